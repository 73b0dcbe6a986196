import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { finished, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ApiError } from '../errors/api-error';

type Done = (error: Error | null, body?: unknown) => void;

/** A refusal while reading a body, in body-parser's terms (`type`), which the error mapping turns into an answer. */
function readError(status: number, type: string, message: string): Error {
  return Object.assign(new Error(message), { status, type, expose: true });
}

/** `application/json` or `application/<anything>+json`, parameters aside. */
function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'));
}

/** The body as the client declared it encoded: decoded by zlib for gzip, deflate and br, as is for identity. */
function decoded(raw: IncomingMessage): Readable | Error {
  const encoding = (raw.headers['content-encoding'] ?? 'identity').toLowerCase();
  switch (encoding) {
    case 'identity':
      return raw;
    case 'gzip':
      return raw.pipe(createGunzip());
    case 'deflate':
      return raw.pipe(createInflate());
    case 'br':
      return raw.pipe(createBrotliDecompress());
    default:
      return readError(415, 'encoding.unsupported', `unsupported content encoding "${encoding}"`);
  }
}

/**
 * Reads the whole (decoded) body, at most `limit` bytes after decoding. On a refusal the rest of the request is
 * read off before answering, so a client still sending sees the answer instead of a reset connection.
 */
export function readBody(raw: IncomingMessage, limit: number, done: (error: Error | null, body?: Buffer) => void): void {
  let settled = false;
  const source = decoded(raw);
  const settle = (error: Error | null, body?: Buffer): void => {
    if (settled) return;
    settled = true;
    if (error === null) return done(null, body);
    if (source !== raw && !(source instanceof Error)) {
      raw.unpipe();
      source.destroy();
    }
    raw.resume();
    finished(raw, () => done(error));
  };
  if (source instanceof Error) return settle(source);
  if (source === raw && Number(raw.headers['content-length']) > limit) return settle(readError(413, 'entity.too.large', 'request entity too large'));
  const chunks: Buffer[] = [];
  let received = 0;
  source.on('data', (chunk: Buffer) => {
    if (settled) return;
    received += chunk.length;
    if (received > limit) return settle(readError(413, 'entity.too.large', 'request entity too large'));
    chunks.push(chunk);
  });
  source.on('end', () => settle(null, Buffer.concat(chunks, received)));
  // zlib's errors (a body that is not what its Content-Encoding says) keep their Z_* codes for the mapping.
  source.on('error', (error: Error) => settle(error));
  if (source !== raw) raw.on('error', (error: Error) => settle(error));
  raw.on('aborted', () => settle(readError(400, 'request.aborted', 'request aborted')));
}

/** body-parser's JSON rules: empty is `{}`, only an object or array at the top, a syntax error is 400. */
function parseJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length === 0) return {};
  const first = body.trimStart().charAt(0);
  try {
    if (first !== '{' && first !== '[') throw new SyntaxError(`Unexpected token ${first || 'end'} in JSON at the top level`);
    return JSON.parse(body);
  } catch (error) {
    throw Object.assign(readError(400, 'entity.parse.failed', (error as Error).message), { body });
  }
}

const WEBHOOKS = '/v1/webhooks/';

/** A decoder for a UTF charset other than UTF-8 (UTF-16LE/BE), or null for any other charset. */
function textDecoder(charset: string): TextDecoder | null {
  if (!charset.startsWith('utf-')) return null;
  try {
    return new TextDecoder(charset);
  } catch {
    return null;
  }
}

/**
 * Webhook routes keep their RAW body (signatures are checked on the exact bytes); every other body must be JSON
 * (415 otherwise, which is what Python's `requests.post(data=json.dumps(...))` meets: it sends no Content-Type),
 * bounded (413), decoded as its Content-Encoding says (400 when it is not), errors as JSON. One parser for every
 * content type, so these rules hold on every route, matched or not, before the key is checked.
 */
export function bodyParser(limitBytes: number) {
  return (request: FastifyRequest, payload: IncomingMessage, done: Done): void => {
    const headers = request.headers;
    const length = headers['content-length'];
    // No body at all: nothing to read (Fastify asks anyway when a Content-Type is sent).
    if (length === undefined && headers['transfer-encoding'] === undefined) return done(null, undefined);
    const type = headers['content-type'] ?? '';
    const semicolon = type.indexOf(';');
    const mediaType = (semicolon < 0 ? type : type.slice(0, semicolon)).trim().toLowerCase();
    if (request.url.startsWith(WEBHOOKS)) return readBody(payload, limitBytes, done);
    if (!isJson(mediaType)) {
      if (length === '0') return done(null, undefined);
      const message = type
        ? `the request body is ${type}; send JSON with Content-Type: application/json`
        : 'the request body has no Content-Type; send JSON with Content-Type: application/json';
      return done(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', message));
    }
    const charset = (/;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1] ?? 'utf-8').toLowerCase();
    const decoder = charset === 'utf-8' ? undefined : textDecoder(charset);
    if (decoder === null) return done(readError(415, 'charset.unsupported', `unsupported charset "${charset.toUpperCase()}"`));
    readBody(payload, limitBytes, (error, body) => {
      if (error) return done(error);
      let parsed: unknown;
      try {
        parsed = parseJson(decoder === undefined ? (body as Buffer).toString('utf8') : decoder.decode(body));
      } catch (failure) {
        return done(failure as Error);
      }
      done(null, parsed);
    });
  };
}

/** Replaces Fastify's own parsers with `bodyParser` for every content type (and none). */
export function registerBodyParser(fastify: FastifyInstance, limitBytes: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', bodyParser(limitBytes));
}
