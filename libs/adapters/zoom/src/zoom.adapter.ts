import {
  type AdapterCapabilities,
  type AdapterHealth,
  type FetchResult,
  type PresenceAdapter,
  type PushSink,
  type RateBudgetSpec,
} from '@amo/presence-core';
import { httpClientTuning, RateBudgetRegistry, type TimerClock, timersOf, type TokenSet } from '@amo/presence-adapter-kit';
import { ZoomClient, type ZoomRateLimitInfo } from './zoom.client';
import { parseZoomCredentials, type ZoomCredentials } from './zoom.credentials';
import { zoomManifest } from './zoom.manifest';
import { zoomPresenceRecord } from './zoom.presence';
import { ZoomSweep } from './zoom.sweep';
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
  /** How many presence reads may be in flight at once (default 4); the budget paces them either way (see ZoomSweep). */
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
  private readonly sweep: ZoomSweep;
  private sink: PushSink | undefined;
  private closed = false;
  private readonly closer = new AbortController();

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
      // One id per call, so ids per minute is the budget's calls per minute, not rounded down.
      idsPerMinute: (budget.limit * 60_000) / budget.windowMs,
      rateBudgets: [budget],
      fields: [...capabilities.fields],
    };
    this.clock = deps.clock ?? { now: () => Date.now() };
    // The sweep asks the same bucket the client counts in, so both need the one registry.
    const budgets = deps.budgets ?? new RateBudgetRegistry(deps.clock);
    this.client = new ZoomClient({
      credentials,
      apiBaseUrl: config.apiBaseUrl ?? zoomManifest.baseUrls.api.default,
      oauthBaseUrl: config.oauthBaseUrl ?? zoomManifest.baseUrls.oauth.default,
      budget,
      onTokenRefresh: config.onTokenRefresh,
      ...httpClientTuning(config, { ...deps, budgets }),
    });
    this.sweep = new ZoomSweep({
      budget: budgets.define(budget),
      timers: timersOf(deps.clock),
      concurrency: Math.max(1, config.concurrency ?? 4),
      closed: () => this.closed,
      signal: this.closer.signal,
      read: async (id) => {
        const body = await this.client.presenceStatus(id);
        return zoomPresenceRecord(id, body.status, new Date(this.clock.now()), body);
      },
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

  /**
   * One step of the sweep (see {@link ZoomSweep}): the ids read longest ago first, within the budget and the
   * steps' cadence. Ids without a slot this step get no record (core keeps their last one, with its age).
   */
  async fetchPresence(accountIds: readonly string[]): Promise<FetchResult> {
    if (this.closed) return { records: [], notFound: [] };
    return this.sweep.step(accountIds);
  }

  /** Zoom pushes through webhooks the service receives, so there is no connection to open: only a sink to keep. */
  async startPush(sink: PushSink): Promise<void> {
    if (!this.closed) this.sink = sink;
  }

  /** Drops the sink: webhooks are still verified and answered, but nothing reaches the sink until `startPush`. */
  async stopPush(): Promise<void> {
    this.sink = undefined;
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
    this.closer.abort();
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
