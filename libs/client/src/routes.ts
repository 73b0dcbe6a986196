import type { OPERATIONS } from '@amo/presence-contract';

type Operations = typeof OPERATIONS;

/** The contract's operations this client calls: every one a service user makes (the OAuth callback is the browser's). */
export type ClientOperationId = Exclude<keyof Operations, 'oauthCallback'>;

/** `GET /v1/presence/{userId}`: an operation's method and path as the contract declares them. */
type RouteOf<K extends keyof Operations> = `${Uppercase<Operations[K]['method']>} ${Operations[K]['path']}`;

/**
 * Where each operation lives. Only types come from the contract (so the browser build loads no zod); `satisfies`
 * makes a path or method that drifts from the contract a compile error here.
 */
export const ROUTES = {
  getPresence: 'GET /v1/presence/{userId}',
  getPresenceBatch: 'POST /v1/presence/batch',
  checkAvailability: 'POST /v1/availability',
  getStats: 'GET /v1/stats',
  listUsers: 'GET /v1/users',
  getIdentities: 'GET /v1/users/{userId}/identities',
  linkIdentities: 'PUT /v1/users/{userId}/identities',
  linkIdentitiesBatch: 'POST /v1/identities/batch',
  getPreferences: 'GET /v1/users/{userId}/preferences',
  setPreferences: 'PUT /v1/users/{userId}/preferences',
  erasePerson: 'DELETE /v1/users/{userId}',
  exportPerson: 'GET /v1/users/{userId}/export',
  listPlatforms: 'GET /v1/platforms',
  connectPlatform: 'POST /v1/platforms/{platform}/connect',
  setPollInterval: 'PUT /v1/platforms/{platform}/monitoring',
  startMonitoring: 'POST /v1/monitoring/start',
  stopMonitoring: 'POST /v1/monitoring/stop',
  createApiKey: 'POST /v1/api-keys',
  listApiKeys: 'GET /v1/api-keys',
  revokeApiKey: 'DELETE /v1/api-keys/{id}',
  listAudit: 'GET /v1/audit',
  startOAuth: 'POST /v1/oauth/{platform}/start',
  getHealth: 'GET /health',
  getMetrics: 'GET /metrics',
} as const satisfies { [K in ClientOperationId]: RouteOf<K> };

/** A route's method and its path with `{name}` parameters filled in (URL-encoded). */
export function resolveRoute(id: ClientOperationId, params: Record<string, string> = {}): { method: string; path: string } {
  const [method, template] = ROUTES[id].split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`${id}: the path parameter ${name} is missing`);
    return encodeURIComponent(value);
  });
  return { method, path };
}
