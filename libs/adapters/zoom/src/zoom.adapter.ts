import {
  type AdapterCapabilities,
  type AdapterHealth,
  type FetchResult,
  isPresenceError,
  type PlatformPresence,
  type PresenceAdapter,
  type PushSink,
  type RateBudgetSpec,
} from '@amo/presence-core';
import { httpClientTuning, type RateBudgetRegistry, type TimerClock, type TokenSet } from '@amo/presence-adapter-kit';
import { ZoomClient, type ZoomRateLimitInfo } from './zoom.client';
import { parseZoomCredentials, type ZoomCredentials } from './zoom.credentials';
import { zoomManifest } from './zoom.manifest';
import { zoomPresenceRecord } from './zoom.presence';
import { handleZoomWebhook, type ZoomWebhookRequest, type ZoomWebhookResult } from './zoom.webhook';

/** Everything the Zoom adapter needs to run; the app builds it from its own configuration, never from env. */
export interface ZoomAdapterConfig {
  /** A parsed {@link ZoomCredentials} or a seed-style record (`account_id`, `client_id`, `client_secret`, ...). */
  credentials: ZoomCredentials | Readonly<Record<string, unknown>>;
  /** REST base, default `https://api.zoom.us/v2`. */
  apiBaseUrl?: string;
  /** OAuth host, default `https://zoom.us` (the token endpoint is `{oauthBaseUrl}/oauth/token`). */
  oauthBaseUrl?: string;
  /** Our share of the account's per-account limit (default: the manifest's 10 requests per second). */
  rateBudget?: { limit: number; windowMs: number };
  /** How many presence reads may be in flight at once (default 4); the budget paces them either way. */
  concurrency?: number;
  timeoutMs?: number;
  /** The seed's PRESENCE_MAX_RETRIES (default 3). */
  maxRetries?: number;
  /** Longest Retry-After waited inside one call (kit default 60 s); a daily-limit 429 is thrown at once. */
  maxRetryWaitMs?: number;
  breaker?: { failureThreshold?: number; cooldownMs?: number };
  backoff?: { baseMs?: number; maxMs?: number };
  /** Webhook replay window in seconds (default 300). */
  webhookToleranceSec?: number;
  /**
   * A user grant (`access_token` without `account_id`) was refreshed: Zoom rotates the refresh token, so the
   * caller must store the new set or the next start cannot refresh.
   */
  onTokenRefresh?(tokens: TokenSet): void;
}

/** Injectable edges, for tests and for sharing one budget registry between adapters of the same account. */
export interface ZoomAdapterDeps {
  clock?: TimerClock;
  fetch?: typeof fetch;
  budgets?: RateBudgetRegistry;
  random?: () => number;
}

/** The Zoom adapter: the core's port plus what only Zoom has. */
export interface ZoomAdapter extends PresenceAdapter {
  readonly platform: 'zoom';
  /** The last `X-RateLimit-*` headers Zoom sent, if any. */
  rateLimitInfo(): ZoomRateLimitInfo | undefined;
  /**
   * {@link handleZoomWebhook} with this connection's `webhook_secret_token`; genuine presence records also go to
   * the push sink given to `startPush`. Without a secret token every delivery is refused (404).
   */
  handleWebhook(request: ZoomWebhookRequest): ZoomWebhookResult;
}

/** The per-account bucket: Zoom counts every app of an account together, so accounts never share one. */
export function zoomBudgetSpec(accountId: string, override?: { limit: number; windowMs: number }): RateBudgetSpec {
  const [base] = zoomManifest.rateBudgets;
  return {
    bucket: `${base.bucket}:${accountId}`,
    limit: override?.limit ?? base.limit,
    windowMs: override?.windowMs ?? base.windowMs,
  };
}

class ZoomPresenceAdapter implements ZoomAdapter {
  readonly platform = 'zoom' as const;
  readonly capabilities: AdapterCapabilities;
  private readonly client: ZoomClient;
  private readonly clock: TimerClock;
  private sink: PushSink | undefined;
  private closed = false;

  constructor(
    private readonly credentials: ZoomCredentials,
    private readonly config: ZoomAdapterConfig,
    deps: ZoomAdapterDeps,
  ) {
    // A user grant does not name its account; its app's client id keys the bucket instead.
    const budget = zoomBudgetSpec(credentials.accountId ?? `app-${credentials.clientId}`, config.rateBudget);
    const { capabilities } = zoomManifest;
    this.capabilities = {
      ...capabilities,
      idsPerMinute: Math.floor((budget.limit * 60_000) / budget.windowMs),
      rateBudgets: [budget],
      fields: [...capabilities.fields],
    };
    this.clock = deps.clock ?? { now: () => Date.now() };
    this.client = new ZoomClient({
      credentials,
      apiBaseUrl: config.apiBaseUrl ?? zoomManifest.baseUrls.api.default,
      oauthBaseUrl: config.oauthBaseUrl ?? zoomManifest.baseUrls.oauth.default,
      budget,
      onTokenRefresh: config.onTokenRefresh,
      ...httpClientTuning(config, deps),
    });
  }

  /**
   * Server-to-Server: fetching a token proves the app's credentials without spending the account's API budget.
   * A user grant already holds a token, so `GET /users/me` proves it (refreshing it first if it has expired).
   */
  async connect(): Promise<void> {
    if (this.credentials.accountId === undefined) await this.client.me();
    else await this.client.tokens.getToken();
  }

  async fetchPresence(accountIds: readonly string[]): Promise<FetchResult> {
    const ids = [...new Set(accountIds)];
    const records: PlatformPresence[] = [];
    const notFound: string[] = [];
    let failure: unknown;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < ids.length && !this.closed) {
        const id = ids[next++];
        try {
          const body = await this.client.presenceStatus(id);
          records.push(zoomPresenceRecord(id, body.status, new Date(this.clock.now()), body));
        } catch (error) {
          if (isPresenceError(error) && error.code === 'NOT_FOUND') notFound.push(id);
          else failure ??= error;
        }
      }
    };
    const workers = Math.max(1, Math.min(this.config.concurrency ?? 4, ids.length));
    await Promise.all(Array.from({ length: workers }, worker));
    if (failure !== undefined) throw failure;
    return { records, notFound };
  }

  /** Zoom pushes through webhooks the service receives, so there is no connection to open: only a sink to keep. */
  async startPush(sink: PushSink): Promise<void> {
    this.sink = sink;
  }

  handleWebhook(request: ZoomWebhookRequest): ZoomWebhookResult {
    const secretToken = this.credentials.webhookSecretToken;
    if (secretToken === undefined) {
      const reason = 'zoom webhooks are not configured (no webhook_secret_token)';
      return { status: 404, body: { error: reason }, contentType: 'application/json', records: [], reason };
    }
    const result = handleZoomWebhook(request, { secretToken, toleranceSec: this.config.webhookToleranceSec }, this.clock);
    if (!this.closed) for (const record of result.records) this.sink?.presence(record);
    return result;
  }

  rateLimitInfo(): ZoomRateLimitInfo | undefined {
    return this.client.rateLimitInfo();
  }

  health(): AdapterHealth {
    return this.client.health();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sink = undefined;
    this.client.close();
  }
}

/**
 * Builds the Zoom adapter. Credentials are parsed here, so a record with only the seed's Meeting SDK key fails
 * at once with {@link ZoomSdkKeyOnlyError} instead of polling nothing.
 */
export function createZoomAdapter(config: ZoomAdapterConfig, deps: ZoomAdapterDeps = {}): ZoomAdapter {
  return new ZoomPresenceAdapter(parseZoomCredentials(config.credentials), config, deps);
}
