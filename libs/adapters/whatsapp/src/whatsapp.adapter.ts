import { type BackoffOptions, type BreakerOptions, httpClientTuning, type RateBudgetRegistry, RecencyRelay } from '@amo/presence-adapter-kit';
import {
  type AdapterCapabilities,
  type AdapterFactory,
  type AdapterHealth,
  type Clock,
  type FetchResult,
  type PresenceAdapter,
  type PushSink,
  systemClock,
} from '@amo/presence-core';
import { WhatsAppGraphClient, type WhatsAppPhoneNumber } from './whatsapp.client';
import { parseWhatsAppCredentials, type WhatsAppCredentials } from './whatsapp.credentials';
import { whatsappManifest } from './whatsapp.manifest';
import { type WhatsAppSignalKind, whatsappRecencySignal } from './whatsapp.signals';
import {
  handleWhatsAppWebhook,
  type WhatsAppWebhookRejection,
  type WhatsAppWebhookRequest,
  type WhatsAppWebhookResult,
} from './whatsapp.webhook';

export interface WhatsAppAdapterConfig {
  credentials: WhatsAppCredentials;
  /** Graph API base, default https://graph.facebook.com (an emulator's URL in tests and sandbox mode). */
  graphBaseUrl?: string;
  /** Graph API version segment, default v21.0. */
  apiVersion?: string;
  /** Last seen within this window reads as online; default 5 minutes (keep it equal to core's). */
  recencyWindowMs?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** Retry backoff (full jitter) and circuit breaker of the Graph client; the kit's defaults when absent. */
  backoff?: BackoffOptions;
  breaker?: BreakerOptions;
  /** How many people's signals are remembered; the least recently heard from are forgotten first. */
  maxRememberedPeople?: number;
}

export interface WhatsAppAdapterDeps {
  clock?: Clock;
  fetch?: typeof fetch;
  budgets?: RateBudgetRegistry;
}

/** What the adapter knows about one person: the newest strong signal, and the newest reachability proof. */
export interface WhatsAppSignalState {
  waId: string;
  /** Newest strong signal (inbound message or read receipt); undefined if only `delivered` was ever seen. */
  lastSeen?: Date;
  lastSeenBy?: Exclude<WhatsAppSignalKind, 'delivered'>;
  /** Newest `delivered` status: the phone was online then. Never makes anyone online. */
  reachableAt?: Date;
}

/** Webhook counters: what was accepted, refused (by reason) and read. */
export interface WhatsAppWebhookStats {
  accepted: number;
  rejected: Partial<Record<WhatsAppWebhookRejection, number>>;
  /** Genuine deliveries that arrived while push was stopped: acknowledged, not applied. */
  ignored: number;
  signals: { message: number; read: number; delivered: number };
}

/**
 * WhatsApp has no presence API. This adapter infers recency from signed webhook signals and says so in its
 * capabilities; `fetchPresence` answers from the signals already received, without a network call.
 */
export class WhatsAppAdapter implements PresenceAdapter {
  readonly platform = 'whatsapp' as const;
  readonly capabilities: AdapterCapabilities = {
    ...whatsappManifest.capabilities,
    rateBudgets: whatsappManifest.rateBudgets,
  };
  private readonly clock: Clock;
  private readonly client: WhatsAppGraphClient;
  private readonly relay: RecencyRelay<WhatsAppWebhookRejection>;
  private readonly windowMs: number;
  private readonly signalCounts: WhatsAppWebhookStats['signals'] = { message: 0, read: 0, delivered: 0 };
  private number?: WhatsAppPhoneNumber;

  constructor(private readonly config: WhatsAppAdapterConfig, deps: WhatsAppAdapterDeps = {}) {
    this.clock = deps.clock ?? systemClock;
    this.windowMs = config.recencyWindowMs ?? whatsappManifest.recencyWindowMs;
    this.relay = new RecencyRelay({ platform: 'whatsapp', clock: this.clock, windowMs: this.windowMs, maxRemembered: config.maxRememberedPeople });
    this.client = new WhatsAppGraphClient({
      accessToken: config.credentials.apiKey,
      graphBaseUrl: config.graphBaseUrl,
      apiVersion: config.apiVersion,
      ...httpClientTuning(config, deps),
    });
  }

  /** Proves the token by reading the business phone number; AUTH_INVALID on 401 or Graph error 190. */
  async connect(): Promise<void> {
    this.relay.assertOpen();
    this.number = await this.client.phoneNumber(this.config.credentials.phoneNumberId);
  }

  /** The phone number object read by `connect()`. */
  get phoneNumber(): WhatsAppPhoneNumber | undefined {
    return this.number && { ...this.number };
  }

  /**
   * One record per person a strong signal was received for. A never-seen id gets no record and is not put in
   * notFound either: WhatsApp cannot tell us whether a wa_id exists, only that we have not heard from it, and
   * core reports a person without a record as unknown.
   */
  async fetchPresence(accountIds: readonly string[]): Promise<FetchResult> {
    return this.relay.fetchPresence(accountIds);
  }

  /** Webhooks are received by the service, not opened by us: starting push means "forward what arrives". */
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

  /**
   * The stateful front of {@link handleWhatsAppWebhook}: verifies, counts, remembers the signals, and pushes
   * the records of people whose lastSeen moved forward to the sink.
   */
  receiveWebhook(request: WhatsAppWebhookRequest): WhatsAppWebhookResult {
    const { appSecret, verifyToken } = this.config.credentials;
    const result = handleWhatsAppWebhook(request, { appSecret, verifyToken }, this.clock, { recencyWindowMs: this.windowMs });
    if (result.rejected) {
      this.relay.refused(result.rejected);
      return result;
    }
    if (request.method.toUpperCase() !== 'POST') return result;
    for (const signal of result.signals) this.signalCounts[signal.kind]++;
    this.relay.received(result.signals.map(whatsappRecencySignal), result.records);
    return result;
  }

  /** The adapter port's webhook entry (`/v1/webhooks/whatsapp`): {@link receiveWebhook}. */
  handleWebhook(request: WhatsAppWebhookRequest): WhatsAppWebhookResult {
    return this.receiveWebhook(request);
  }

  /** What is known about one person, including the weak reachability signal that never makes them online. */
  signalsOf(waId: string): WhatsAppSignalState | undefined {
    const state = this.relay.state(waId);
    if (!state) return undefined;
    // lastSeenBy is a strong signal's kind: whatsappRecencySignal hands the relay nothing else.
    const { accountId, ...signals } = state;
    return { waId: accountId, ...signals } as WhatsAppSignalState;
  }

  webhookStats(): WhatsAppWebhookStats {
    return { ...this.relay.counts(), signals: { ...this.signalCounts } };
  }

  health(): AdapterHealth {
    return this.relay.health(this.client.health());
  }

  async close(): Promise<void> {
    if (this.relay.close()) this.client.close();
  }
}

/** Builds the adapter from a config (credentials already parsed, base URLs, options; never the environment). */
export function createWhatsAppAdapter(config: WhatsAppAdapterConfig, deps: WhatsAppAdapterDeps = {}): WhatsAppAdapter {
  return new WhatsAppAdapter(config, deps);
}

/**
 * An `AdapterFactory` for core's `initializePlatform`: parses the seed-style record (`api_key`,
 * `phone_number_id`, `app_secret`, `verify_token`) and applies the app's options.
 */
export function whatsappAdapterFactory(options: Omit<WhatsAppAdapterConfig, 'credentials'> = {}, deps: WhatsAppAdapterDeps = {}): AdapterFactory {
  return (record) => createWhatsAppAdapter({ ...options, credentials: parseWhatsAppCredentials(record) }, deps);
}
