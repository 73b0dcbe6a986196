const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntity(entity: string, body: string): string {
  if (body.startsWith('#')) {
    const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    // Out-of-range or control code points would smuggle invisible characters into a display string.
    if (!Number.isInteger(code) || code < 0x20 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '';
    return String.fromCodePoint(code);
  }
  return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
}

/**
 * Turns a Graph status message (`itemBody` content, often HTML from the Teams client) into plain text:
 * drops script/style blocks, comments and tags, turns block breaks into spaces, decodes entities and
 * collapses whitespace. Returns undefined for a message that is empty once stripped.
 */
export function htmlToText(content: unknown): string | undefined {
  if (typeof content !== 'string') return undefined;
  const text = content
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<\/?(br|p|div|li|tr|h[1-6])\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity: string, body: string) => decodeEntity(entity, body))
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 0 ? text : undefined;
}
