import { isPresenceError, PresenceError, type RateBudgetSpec } from '@amo/presence-core';
import {
  ClientCredentialsTokenProvider,
  type HttpClientTuning,
  httpClientTuning,
  parseRetryAfterMs,
  PlatformHttpClient,
  RateBudgetRegistry,
  RefreshingTokenProvider,
  type TimerClock,
  type TokenProvider,
  type TokenSet,
} from '@amo/presence-adapter-kit';
import type { AdapterHealth } from '@amo/presence-core';
import type { ZoomCredentials } from './zoom.credentials';
import { parseZoomError } from './zoom.errors';
import { zoomManifest } from './zoom.manifest';
import { isZoomPresenceStatusBody, type ZoomPresenceStatusBody } from './zoom.presence';

/** The last `X-RateLimit-*` headers Zoom sent (not every response carries all of them). */
export interface ZoomRateLimitInfo {
  category?: string;
  type?: string;
  limit?: number;
  remaining?: number;
  at: Date;
}

export interface ZoomClientOptions extends HttpClientTuning {
  credentials: ZoomCredentials;
  apiBaseUrl: string;
  oauthBaseUrl: string;
  budget: RateBudgetSpec;
  /** A user grant's refreshed (and rotated) tokens, so the caller can store them. */
  onTokenRefresh?(tokens: TokenSet): void;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** Zoom's REST API behind a Server-to-Server OAuth token, paced by the account's budget. */
/**
 * Zoom answers a wrong account_id with a 400 `invalid_request`, which generic OAuth reads as a malformed request;
 * for us it is a credential problem like a wrong secret.
 */
function zoomTokenError(error: unknown): unknown {
  if (!isPresenceError(error) || error.code !== 'PROTOCOL' || error.status !== 400) return error;
  if (!/invalid_request/.test(error.message)) return error;
  return new PresenceError('AUTH_INVALID', 'zoom token endpoint refused the account (check account_id)', {
    platform: 'zoom',
    status: 400,
    cause: error,
  });
}

export class ZoomClient {
  /** The kit's account_credentials provider (Server-to-Server), or the user grant's refreshing provider. */
  readonly oauth: ClientCredentialsTokenProvider | RefreshingTokenProvider;
  readonly tokens: TokenProvider;
  private readonly http: PlatformHttpClient;
  private readonly budgets: RateBudgetRegistry;
  private readonly clock: TimerClock;
  private rateLimit: ZoomRateLimitInfo | undefined;

  constructor(private readonly options: ZoomClientOptions) {
    const { credentials, clock } = options;
    this.clock = clock ?? { now: () => Date.now() };
    this.budgets = options.budgets ?? new RateBudgetRegistry(clock);
    this.budgets.define(options.budget);
    const tokenUrl = `${trimSlash(options.oauthBaseUrl)}${zoomManifest.auth.tokenPath}`;
    this.oauth =
      credentials.accountId === undefined && credentials.accessToken !== undefined
        ? new RefreshingTokenProvider({
            platform: 'zoom',
            tokens: {
              accessToken: credentials.accessToken,
              refreshToken: credentials.refreshToken,
              expiresAt: credentials.accessTokenExpiresAt,
              raw: {},
            },
            tokenUrl,
            clientId: credentials.clientId,
            clientSecret: credentials.clientSecret,
            clientAuth: zoomManifest.auth.user.clientAuth,
            onRefresh: options.onTokenRefresh,
            refreshMarginMs: zoomManifest.auth.refreshMarginMs,
            clock,
            fetch: options.fetch,
            timeoutMs: options.timeoutMs,
          })
        : new ClientCredentialsTokenProvider({
            platform: 'zoom',
            tokenUrl,
            clientId: credentials.clientId,
            clientSecret: credentials.clientSecret,
            grantType: zoomManifest.auth.grantType,
            extraParams: { account_id: credentials.accountId ?? '' },
            clientAuth: zoomManifest.auth.clientAuth,
            paramsIn: zoomManifest.auth.paramsIn,
            refreshMarginMs: zoomManifest.auth.refreshMarginMs,
            clock,
            fetch: options.fetch,
            timeoutMs: options.timeoutMs,
          });
    this.tokens = {
      getToken: () => this.oauth.getToken().catch((error: unknown) => Promise.reject(zoomTokenError(error))),
      invalidate: (rejected?: string) => this.oauth.invalidate(rejected),
    };
    this.http = new PlatformHttpClient({
      ...httpClientTuning(options, options),
      platform: 'zoom',
      baseUrl: trimSlash(options.apiBaseUrl),
      parseError: (outcome) => parseZoomError(outcome, this.clock.now()),
      auth: this.tokens,
      budgets: this.budgets,
    });
  }

  /** `GET /users/me`: who a user grant belongs to (and proof that the token works). */
  async me(): Promise<{ id: string; accountId?: string }> {
    const response = await this.http.request<Record<string, unknown>>({ method: 'GET', path: '/users/me', bucket: this.options.budget.bucket });
    const body = response.body ?? {};
    if (typeof body['id'] !== 'string') {
      throw new PresenceError('PROTOCOL', 'zoom users/me answered without an id', { platform: 'zoom', status: response.status });
    }
    return { id: body['id'], accountId: typeof body['account_id'] === 'string' ? body['account_id'] : undefined };
  }

  /** `GET /users/{userId}/presence_status`; userId may be a Zoom user id or an email. */
  async presenceStatus(userId: string): Promise<ZoomPresenceStatusBody> {
    const path = zoomManifest.endpoints.presence.replace('{userId}', encodeURIComponent(userId));
    const response = await this.http.request({ method: 'GET', path, bucket: this.options.budget.bucket });
    this.noteRateLimit(response.headers);
    if (!isZoomPresenceStatusBody(response.body)) {
      throw new PresenceError('PROTOCOL', 'zoom presence_status answered without a status string', {
        platform: 'zoom',
        status: response.status,
      });
    }
    return response.body;
  }

  rateLimitInfo(): ZoomRateLimitInfo | undefined {
    return this.rateLimit;
  }

  health(): AdapterHealth {
    return this.http.health();
  }

  close(): void {
    this.http.close();
  }

  /**
   * Zoom's limit is per account and shared with every other app on it, so our own count can be behind:
   * when Zoom says nothing remains, every caller of the bucket waits out the window (or Retry-After).
   */
  private noteRateLimit(headers: Headers): void {
    const { rateLimitHeaders: names } = zoomManifest;
    const info: ZoomRateLimitInfo = {
      category: headers.get(names.category) ?? undefined,
      type: headers.get(names.type) ?? undefined,
      limit: numberHeader(headers, names.limit),
      remaining: numberHeader(headers, names.remaining),
      at: new Date(this.clock.now()),
    };
    if (info.category === undefined && info.limit === undefined && info.remaining === undefined) return;
    this.rateLimit = info;
    if (info.remaining === 0) {
      const now = this.clock.now();
      const wait = parseRetryAfterMs(headers, now) ?? this.options.budget.windowMs;
      this.budgets.get(this.options.budget.bucket)?.pauseUntil(now + wait);
    }
  }
}
