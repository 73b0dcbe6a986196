import { type BackoffOptions, type BreakerOptions, httpClientTuning, type RateBudgetRegistry, RecencyRelay, type TokenSet } from '@amo/presence-adapter-kit';
import {
  type AdapterCapabilities,
  type AdapterFactory,
  type AdapterHealth,
  type Clock,
  type FetchResult,
  type PresenceAdapter,
  PresenceError,
  type PushSink,
  systemClock,
} from '@amo/presence-core';
import { LinkedInApiClient, type LinkedInUserInfo } from './linkedin.client';
import { type LinkedInCredentials, parseLinkedInCredentials } from './linkedin.credentials';
import { linkedinManifest } from './linkedin.manifest';
import { linkedinRecencySignal } from './linkedin.signals';
import {
  handleLinkedInWebhook,
  type LinkedInWebhookRejection,
  type LinkedInWebhookRequest,
  type LinkedInWebhookResult,
} from './linkedin.webhook';

export interface LinkedInAdapterConfig {
  credentials: LinkedInCredentials;
  /** OAuth base, default https://www.linkedin.com/oauth/v2 (authorization and accessToken live under it). */
  oauthBaseUrl?: string;
  /** API base, default https://api.linkedin.com (userinfo is `/v2/userinfo`). */
  apiBaseUrl?: string;
  /** Last seen within this window reads as online; default 5 minutes (keep it equal to core's). */
  recencyWindowMs?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** Retry backoff (full jitter) and circuit breaker of the API client; the kit's defaults when absent. */
  backoff?: BackoffOptions;
  breaker?: BreakerOptions;
  /** Receives each refreshed token set, to be stored for the next start. */
  onTokenRefresh?: (tokens: TokenSet) => void;
  /** How many members' last acts are remembered; the least recently heard from are forgotten first. */
  maxRememberedPeople?: number;
}

export interface LinkedInAdapterDeps {
  clock?: Clock;
  fetch?: typeof fetch;
  budgets?: RateBudgetRegistry;
}

export interface LinkedInWebhookStats {
  accepted: number;
  rejected: Partial<Record<LinkedInWebhookRejection, number>>;
  /** Genuine deliveries that arrived while push was stopped: acknowledged, not applied. */
  ignored: number;
  signals: number;
}

/**
 * LinkedIn has no presence API. This adapter validates the member token (userinfo) and infers recency only
 * from members' own acts in signed organization social action webhooks; everyone else stays unknown.
 */
export class LinkedInAdapter implements PresenceAdapter {
  readonly platform = 'linkedin' as const;
  readonly capabilities: AdapterCapabilities = {
    ...linkedinManifest.capabilities,
    rateBudgets: linkedinManifest.rateBudgets,
  };
  private readonly clock: Clock;
  private readonly relay: RecencyRelay<LinkedInWebhookRejection>;
  private readonly windowMs: number;
  private signals = 0;
  private client?: LinkedInApiClient;
  private member?: LinkedInUserInfo;

  constructor(private readonly config: LinkedInAdapterConfig, private readonly deps: LinkedInAdapterDeps = {}) {
    this.clock = deps.clock ?? systemClock;
    this.windowMs = config.recencyWindowMs ?? linkedinManifest.recencyWindowMs;
    this.relay = new RecencyRelay({ platform: 'linkedin', clock: this.clock, windowMs: this.windowMs, maxRemembered: config.maxRememberedPeople });
  }

  /**
   * Validates the access token against userinfo (refreshing it first when it is due and a refresh token was
   * granted). AUTH_INVALID when there is no token yet, or LinkedIn rejects it.
   */
  async connect(): Promise<void> {
    this.relay.assertOpen();
    const { accessToken } = this.config.credentials;
    if (!accessToken) {
      throw new PresenceError(
        'AUTH_INVALID',
        'linkedin has no access token yet: complete the OAuth flow (buildLinkedInAuthorizeUrl, exchangeLinkedInCode) first',
        { platform: 'linkedin' },
      );
    }
    this.client ??= new LinkedInApiClient({
      credentials: { ...this.config.credentials, accessToken },
      oauthBaseUrl: this.config.oauthBaseUrl,
      apiBaseUrl: this.config.apiBaseUrl,
      onTokenRefresh: this.config.onTokenRefresh,
      ...httpClientTuning(this.config, this.deps),
    });
    this.member = await this.client.userInfo();
  }

  /** The member behind the token, as userinfo reported it; `urn` is how webhooks name them. */
  get connectedMember(): (LinkedInUserInfo & { urn: string }) | undefined {
    return this.member && { ...this.member, urn: `urn:li:person:${this.member.sub}` };
  }

  /**
   * One record per member who acted; nothing for the others. They are not in notFound either: LinkedIn cannot
   * tell us whether a member exists or is online, only that we saw no act, and core reports unknown.
   */
  async fetchPresence(accountIds: readonly string[]): Promise<FetchResult> {
    return this.relay.fetchPresence(accountIds);
  }

  /** Webhooks are received by the service; starting push means "forward what arrives". */
  async startPush(sink: PushSink): Promise<void> {
    this.relay.startPush(sink);
  }

  /**
   * Monitoring stopped: nothing more reaches the sink, and webhooks that arrive until the next `startPush` are
   * still verified and acknowledged (so the platform keeps the endpoint) but not applied; `webhookStats().ignored`
   * counts them.
   */
  async stopPush(): Promise<void> {
    this.relay.stopPush();
  }

  /** The stateful front of {@link handleLinkedInWebhook}: verifies, counts, remembers and pushes advances. */
  receiveWebhook(request: LinkedInWebhookRequest): LinkedInWebhookResult {
    const result = handleLinkedInWebhook(request, { clientSecret: this.config.credentials.clientSecret }, this.clock, {
      recencyWindowMs: this.windowMs,
    });
    if (result.rejected) {
      this.relay.refused(result.rejected);
      return result;
    }
    if (request.method.toUpperCase() !== 'POST') return result;
    this.signals += result.signals.length;
    this.relay.received(result.signals.map(linkedinRecencySignal), result.records);
    return result;
  }

  /** The adapter port's webhook entry (`/v1/webhooks/linkedin`): {@link receiveWebhook}. */
  handleWebhook(request: LinkedInWebhookRequest): LinkedInWebhookResult {
    return this.receiveWebhook(request);
  }

  webhookStats(): LinkedInWebhookStats {
    return { ...this.relay.counts(), signals: this.signals };
  }

  health(): AdapterHealth {
    return this.relay.health(this.client?.health() ?? { breaker: 'closed', budgets: [], retries: 0 });
  }

  async close(): Promise<void> {
    if (this.relay.close()) this.client?.close();
  }
}

/** Builds the adapter from a config (credentials already parsed, base URLs, options; never the environment). */
export function createLinkedInAdapter(config: LinkedInAdapterConfig, deps: LinkedInAdapterDeps = {}): LinkedInAdapter {
  return new LinkedInAdapter(config, deps);
}

/** An `AdapterFactory` for core's `initializePlatform`: parses the seed's `client_id`, `client_secret`, `access_token`. */
export function linkedinAdapterFactory(options: Omit<LinkedInAdapterConfig, 'credentials'> = {}, deps: LinkedInAdapterDeps = {}): AdapterFactory {
  return (record) => createLinkedInAdapter({ ...options, credentials: parseLinkedInCredentials(record) }, deps);
}
