/** What the service stores to resume a subscription after a restart (no token, nothing else secret but clientState). */
export interface SavedTeamsSubscription {
  id: string;
  resource: string;
  /** ISO 8601. */
  expirationDateTime: string;
  clientState: string;
}

const FILTER_IDS = /'([^']+)'/g;

/** The presence resource of a subscription on these ids (Graph: at most 650). */
export function presenceResource(ids: readonly string[]): string {
  return `/communications/presences?$filter=id in (${ids.map((id) => `'${id}'`).join(',')})`;
}

/** The ids a presence resource names. */
export function resourceIds(resource: string): string[] {
  const single = /communications\/presences\/([^/?]+)$/i.exec(resource);
  if (single) return [single[1]];
  return [...resource.matchAll(FILTER_IDS)].map((match) => match[1]);
}

/** True for a presence subscription's resource (any other subscription of the app is none of ours to touch). */
export function isPresenceResource(resource: string | undefined): boolean {
  return typeof resource === 'string' && /^\/?communications\/presences\b/i.test(resource);
}
