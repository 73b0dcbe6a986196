import type {
  ApiKeyCreated,
  ApiKeyRequest,
  ApiKeysResponse,
  AuditPage,
  AuditQuery,
  AvailabilityResponse,
  ConnectRequest,
  HealthResponse,
  IdentitiesBatchRequest,
  IdentitiesBatchResponse,
  IdentitiesResponse,
  IdentityLinks,
  MonitoringPlatformsRequest,
  MonitoringResponse,
  OAuthStartRequest,
  OAuthStartResponse,
  PersonExport,
  PlatformsResponse,
  PlatformStatus,
  PreferencesRequest,
  PreferencesResponse,
  PresenceBatchResponse,
  PresenceDocument,
  StatsResponse,
  UsersPage,
  UsersQuery,
} from '@amo/presence-contract';
import type { Platform } from '@amo/presence-core';
import { errorFromResponse } from './errors';
import { type ClientOperationId, resolveRoute } from './routes';

/** How to reach the service. */
export interface PresenceClientOptions {
  /** `http://localhost:3000`; `''` in a page the service itself serves (same origin). */
  baseUrl: string;
  /** An API key (`Authorization: Bearer`); its scope decides which calls succeed. */
  apiKey: string;
  /** Default: the global `fetch` (Node 20+, browsers). */
  fetch?: typeof fetch;
  /** Headers sent on every call, e.g. an `X-Request-Id` of the caller's own. */
  headers?: Record<string, string>;
}

interface Call {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | Date | undefined>;
  body?: unknown;
  /** Public routes (health, metrics) go without the key. */
  anonymous?: boolean;
  /** Statuses besides 2xx whose body is the answer (503 from /health). */
  accept?: number[];
}

/**
 * The service's HTTP API, typed by `@amo/presence-contract`. Every non-2xx answer throws a
 * {@link PresenceApiError} (`status`, `code`, `message`, `details`, `requestId`, and `retryAfterMs` on a 429).
 */
export class PresenceClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: PresenceClientOptions) {
    const found = options.fetch ?? globalThis.fetch;
    if (!found) throw new TypeError('no fetch: pass options.fetch');
    this.fetch = found.bind(globalThis);
  }

  /** The base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  /** A person's aggregate and per-platform presence (404 `NOT_FOUND` without identity links). */
  getPresence(userId: string): Promise<PresenceDocument> {
    return this.call('getPresence', { params: { userId } });
  }

  /** Up to 1,000 people's documents in one call (one rate-limit token); unknown ids in `notFound`. */
  getPresenceBatch(userIds: string[]): Promise<PresenceBatchResponse> {
    return this.call('getPresenceBatch', { body: { userIds } });
  }

  /** Who of these 1..1,000 people is available now; `details` adds status, decider and stale platforms. */
  checkAvailability(userIds: string[], options: { details?: boolean } = {}): Promise<AvailabilityResponse> {
    return this.call('checkAvailability', { body: { userIds }, query: { details: options.details } });
  }

  getStats(): Promise<StatsResponse> {
    return this.call('getStats');
  }

  /** One page of the people the service knows; follow `nextCursor`, or use {@link listAllUsers}. */
  listUsers(query: UsersQuery & { limit?: number } = {}): Promise<UsersPage> {
    return this.call('listUsers', { query });
  }

  /** Every person, following `nextCursor` page by page (`limit` per page, default 1,000). */
  async listAllUsers(limit = 1000): Promise<UsersPage['users']> {
    const users: UsersPage['users'] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listUsers({ limit, cursor });
      users.push(...page.users);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return users;
  }

  getIdentities(userId: string): Promise<IdentitiesResponse> {
    return this.call('getIdentities', { params: { userId } });
  }

  /** Replaces the person's accounts (409 `CONFLICT` when one belongs to someone else; nothing changes then). */
  linkIdentities(userId: string, links: IdentityLinks): Promise<IdentitiesResponse> {
    return this.call('linkIdentities', { params: { userId }, body: links });
  }

  linkIdentitiesBatch(request: IdentitiesBatchRequest): Promise<IdentitiesBatchResponse> {
    return this.call('linkIdentitiesBatch', { body: request });
  }

  getPreferences(userId: string): Promise<PreferencesResponse> {
    return this.call('getPreferences', { params: { userId } });
  }

  setPreferences(userId: string, preferences: PreferencesRequest): Promise<PreferencesResponse> {
    return this.call('setPreferences', { params: { userId }, body: preferences });
  }

  erasePerson(userId: string): Promise<void> {
    return this.call('erasePerson', { params: { userId } });
  }

  exportPerson(userId: string): Promise<PersonExport> {
    return this.call('exportPerson', { params: { userId } });
  }

  listPlatforms(): Promise<PlatformsResponse> {
    return this.call('listPlatforms');
  }

  connectPlatform(platform: Platform, request: ConnectRequest): Promise<PlatformStatus> {
    return this.call('connectPlatform', { params: { platform }, body: request });
  }

  setPollInterval(platform: Platform, intervalSeconds: number): Promise<PlatformStatus> {
    return this.call('setPollInterval', { params: { platform }, body: { intervalSeconds } });
  }

  startMonitoring(request?: MonitoringPlatformsRequest): Promise<MonitoringResponse> {
    return this.call('startMonitoring', { body: request });
  }

  stopMonitoring(request?: MonitoringPlatformsRequest): Promise<MonitoringResponse> {
    return this.call('stopMonitoring', { body: request });
  }

  createApiKey(request: ApiKeyRequest): Promise<ApiKeyCreated> {
    return this.call('createApiKey', { body: request });
  }

  listApiKeys(): Promise<ApiKeysResponse> {
    return this.call('listApiKeys');
  }

  revokeApiKey(id: string): Promise<void> {
    return this.call('revokeApiKey', { params: { id } });
  }

  listAudit(query: Omit<AuditQuery, 'since' | 'limit'> & { since?: string | Date; limit?: number } = {}): Promise<AuditPage> {
    return this.call('listAudit', { query });
  }

  startOAuth(platform: Platform, request?: OAuthStartRequest): Promise<OAuthStartResponse> {
    return this.call('startOAuth', { params: { platform }, body: request });
  }

  /** Public. Answers 200 or (database down) 503 with `status: "error"`: both are returned, not thrown. */
  getHealth(): Promise<HealthResponse> {
    return this.call('getHealth', { anonymous: true, accept: [503] });
  }

  /** Public. Prometheus text. */
  getMetrics(): Promise<string> {
    return this.call('getMetrics', { anonymous: true });
  }

  private async call<T>(id: ClientOperationId, call: Call = {}): Promise<T> {
    const { method, path } = resolveRoute(id, call.params);
    const headers: Record<string, string> = { accept: 'application/json, text/plain', ...this.options.headers };
    if (!call.anonymous) headers.authorization = `Bearer ${this.options.apiKey}`;
    const init: RequestInit = { method, headers };
    if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(call.body);
    }
    const response = await this.fetch(`${this.baseUrl}${path}${queryString(call.query)}`, init);
    if (!response.ok && !call.accept?.includes(response.status)) throw await errorFromResponse(response, Date.now());
    if (response.status === 204) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    return (type.includes('json') ? await response.json() : await response.text()) as T;
  }
}

function queryString(query: Call['query']): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    search.set(name, value instanceof Date ? value.toISOString() : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
