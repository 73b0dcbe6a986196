import type { BackoffOptions, BreakerOptions, RateBudgetRegistry } from '@amo/presence-adapter-kit';
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
import { WhatsAppGraphClient, type WhatsAppPhoneNumber } from './whatsapp.client';
import { parseWhatsAppCredentials, type WhatsAppCredentials } from './whatsapp.credentials';
import { WhatsAppSignalLedger, type WhatsAppSignalState } from './whatsapp.ledger';
import { whatsappManifest } from './whatsapp.manifest';
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

/** Webhook counters: what was accepted, refused (by reason) and read. */
export interface WhatsAppWebhookStats {
  accepted: number;
  rejected: Partial<Record<WhatsAppWebhookRejection, number>>;
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
  private readonly ledger: WhatsAppSignalLedger;
  private readonly windowMs: number;
  private readonly stats: WhatsAppWebhookStats = { accepted: 0, rejected: {}, signals: { message: 0, read: 0, delivered: 0 } };
  private sink?: PushSink;
  private number?: WhatsAppPhoneNumber;
  private lastRejection?: { code: string; message: string; at: Date };
  private closed = false;

  constructor(private readonly config: WhatsAppAdapterConfig, deps: WhatsAppAdapterDeps = {}) {
    this.clock = deps.clock ?? systemClock;
    this.windowMs = config.recencyWindowMs ?? whatsappManifest.recencyWindowMs;
    this.ledger = new WhatsAppSignalLedger(config.maxRememberedPeople);
    this.client = new WhatsAppGraphClient({
      accessToken: config.credentials.apiKey,
      graphBaseUrl: config.graphBaseUrl,
      apiVersion: config.apiVersion,
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      backoff: config.backoff,
      breaker: config.breaker,
      clock: deps.clock,
      fetch: deps.fetch,
      budgets: deps.budgets,
    });
  }

  /** Proves the token by reading the business phone number; AUTH_INVALID on 401 or Graph error 190. */
  async connect(): Promise<void> {
    this.assertOpen();
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
    this.assertOpen();
    const now = this.clock.now();
    const records = accountIds.flatMap((id) => this.ledger.record(id, now, this.windowMs) ?? []);
    return { records, notFound: [] };
  }

  /** Webhooks are received by the service, not opened by us: starting push means "forward what arrives". */
  async startPush(sink: PushSink): Promise<void> {
    this.assertOpen();
    this.sink = sink;
    sink.connection('up');
  }

  /**
   * The stateful front of {@link handleWhatsAppWebhook}: verifies, counts, remembers the signals, and pushes
   * the records of people whose lastSeen moved forward to the sink.
   */
  receiveWebhook(request: WhatsAppWebhookRequest): WhatsAppWebhookResult {
    const { appSecret, verifyToken } = this.config.credentials;
    const result = handleWhatsAppWebhook(request, { appSecret, verifyToken }, this.clock, { recencyWindowMs: this.windowMs });
    if (result.rejected) {
      this.stats.rejected[result.rejected] = (this.stats.rejected[result.rejected] ?? 0) + 1;
      this.lastRejection = { code: 'PROTOCOL', message: `webhook rejected: ${result.rejected}`, at: new Date(this.clock.now()) };
      return result;
    }
    if (request.method.toUpperCase() !== 'POST') return result;
    this.stats.accepted++;
    for (const signal of result.signals) this.stats.signals[signal.kind]++;
    if (this.closed) return result;
    const now = this.clock.now();
    const advanced = new Set(this.ledger.apply(result.signals, now));
    for (const record of result.records) {
      if (advanced.has(record.accountId)) this.sink?.presence(record);
    }
    return result;
  }

  /** What is known about one person, including the weak reachability signal that never makes them online. */
  signalsOf(waId: string): WhatsAppSignalState | undefined {
    return this.ledger.state(waId);
  }

  webhookStats(): WhatsAppWebhookStats {
    return { accepted: this.stats.accepted, rejected: { ...this.stats.rejected }, signals: { ...this.stats.signals } };
  }

  health(): AdapterHealth {
    const health = this.client.health();
    const lastError = [health.lastError, this.lastRejection]
      .filter((error): error is NonNullable<typeof error> => error !== undefined)
      .sort((a, b) => b.at.getTime() - a.at.getTime())[0];
    return { ...health, connection: this.closed ? 'down' : this.sink ? 'up' : health.connection, lastError };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
    this.sink?.connection('down');
    this.sink = undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw new PresenceError('UNSUPPORTED', 'whatsapp adapter is closed', { platform: 'whatsapp' });
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
