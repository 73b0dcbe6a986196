import { randomUUID } from 'node:crypto';
import { ClientCredentialsTokenProvider, httpClientTuning, RateBudgetRegistry, timersOf, type Timers } from '@amo/presence-adapter-kit';
import {
  type AdapterCapabilities,
  type AdapterFactory,
  type AdapterHealth,
  type FetchResult,
  isPresenceError,
  type PlatformPresence,
  type PresenceAdapter,
  PresenceError,
  type PushSink,
} from '@amo/presence-core';
import { GraphClient } from './teams.client';
import { resolveTeamsConfig, type ResolvedTeamsConfig, type TeamsAdapterConfig, type TeamsAdapterDeps } from './teams.config';
import { isEntraObjectId } from './teams.credentials';
import { certificateBase64Der } from './teams.crypto';
import { PresenceLedger } from './teams.ledger';
import { TEAMS_MAX_IDS_PER_REQUEST, teamsManifest, teamsPresenceBudget } from './teams.manifest';
import { TeamsPoller } from './teams.poller';
import { type GraphNotificationRequest, type GraphNotificationResult, handleGraphNotification } from './teams.notifications';
import { type SavedTeamsSubscription, TeamsSubscriptionManager } from './teams.subscriptions';

// Graph answers 200 or 404 for an id nobody has; only 401/403 mean the app cannot read presence.
const PROBE_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Microsoft Teams presence over Graph. Polls getPresencesByUserId (650 ids a call, the tenant's 1,500 / 30 s
 * budget); with a delegated token it also holds presence subscriptions, and ids they cover are answered from
 * notification-held state. Build it with {@link createTeamsAdapter}.
 */
export class TeamsAdapter implements PresenceAdapter {
  readonly platform = 'teams' as const;
  readonly capabilities: AdapterCapabilities;
  private readonly config: ResolvedTeamsConfig;
  private readonly timers: Timers;
  private readonly app: GraphClient;
  private readonly delegated?: GraphClient;
  private readonly subscriptions?: TeamsSubscriptionManager;
  private readonly ledger = new PresenceLedger();
  private readonly poller: TeamsPoller;
  private tracked = new Set<string>();
  private sink?: PushSink;
  private closed = false;
  /**
   * Where this adapter's Graph sequence numbers count from: one scope per adapter instance (one run). Polls and
   * notifications carry the same `sequenceNumber` of the same presence resource, so within a run they must be
   * compared with each other (a poll that left before a notification and lands after it has to lose; a scope per
   * subscription would hand that race to arrival times). Across runs they must not be: a restored snapshot may
   * come from a Graph (or emulator) whose numbering has since started again, so there times decide.
   */
  private readonly sequenceScope = `teams:${randomUUID()}`;

  constructor(
    private readonly options: TeamsAdapterConfig,
    deps: TeamsAdapterDeps = {},
  ) {
    this.config = resolveTeamsConfig(options);
    this.timers = timersOf(deps.clock);
    const { credentials } = this.config;
    const budgets = deps.budgets ?? new RateBudgetRegistry(deps.clock);
    const budget = teamsPresenceBudget(credentials.tenantId);
    budgets.define(budget);
    const common = { ...httpClientTuning(options, deps), graphBaseUrl: this.config.graphBaseUrl, tenantId: credentials.tenantId, budgets };
    const auth = new ClientCredentialsTokenProvider({
      platform: 'teams',
      tokenUrl: this.config.tokenUrl,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      scope: this.config.scope,
      clientAuth: 'body',
      clock: deps.clock,
      fetch: deps.fetch,
      timeoutMs: options.timeoutMs,
    });
    this.app = new GraphClient({ ...common, auth });
    this.poller = new TeamsPoller({ client: this.app, ledger: this.ledger, timers: this.timers, concurrency: this.config.concurrency, sequenceScope: this.sequenceScope });
    const push = options.push;
    if (push && this.config.notificationUrl && this.config.lifecycleNotificationUrl) {
      this.delegated = new GraphClient({ ...common, auth: push.delegatedAuth });
      this.subscriptions = new TeamsSubscriptionManager({
        client: this.delegated,
        notificationUrl: this.config.notificationUrl,
        lifecycleNotificationUrl: this.config.lifecycleNotificationUrl,
        clock: deps.clock,
        lifetimeMs: push.lifetimeMs,
        renewBeforeMs: push.renewBeforeMs,
        retryMs: push.retryMs,
        encryption: push.encryption ? { certificate: certificateBase64Der(push.encryption.certificate), certificateId: push.encryption.certificateId } : undefined,
        restored: push.subscriptions,
        save: push.onSubscriptionsChanged,
        onChange: (error) => this.reportConnection(error),
      });
    }
    if (this.subscriptions) {
      this.startPush = (sink) => this.beginPush(sink);
      this.stopPush = () => this.endPush();
    }
    const { capabilities } = teamsManifest;
    this.capabilities = { ...capabilities, push: this.subscriptions !== undefined, rateBudgets: [budget], fields: [...capabilities.fields] };
  }

  /** Fetches an app token (checks tenant, client id and secret) and probes Presence.Read.All. */
  async connect(): Promise<void> {
    try {
      await this.app.getPresencesByUserId([PROBE_ID]);
    } catch (error) {
      if (!(isPresenceError(error) && error.code === 'NOT_FOUND')) throw error;
    }
  }

  /**
   * Reads presence for any number of ids in batches of 650, several in flight, within the tenant budget.
   * Reads of the same tick share batches (a sweep and newly linked ids alike), and a batch without budget right
   * now is skipped, not waited for: its ids are left out and keep their last values. Ids the live subscription
   * covers, with state held since coverage began, are answered without a call. Non-GUIDs and ids Graph does not
   * know are `notFound`. If some batches fail or are skipped and others succeed, the successes are returned (a
   * failure is in `health().lastError`); if nothing could be read, the first error is thrown (RATE_LIMITED for
   * a skip).
   */
  async fetchPresence(accountIds: readonly string[]): Promise<FetchResult> {
    const spellings = new Map<string, string>();
    for (const id of accountIds) if (!spellings.has(id.toLowerCase())) spellings.set(id.toLowerCase(), id);
    const unique = [...spellings.values()];
    const records: PlatformPresence[] = [];
    const notFound: string[] = [];
    const toRead: string[] = [];
    for (const id of unique) {
      if (!isEntraObjectId(id)) notFound.push(id);
      else {
        const held = this.heldIfCovered(id);
        if (held) records.push({ ...held, accountId: id });
        else toRead.push(id);
      }
    }
    const polled = await this.poller.read(toRead);
    if (polled.failures.length > 0 && polled.records.length === 0 && polled.notFound.length === 0) throw polled.failures[0];
    return { records: [...records, ...polled.records], notFound: [...notFound, ...polled.notFound] };
  }

  /** Present only with a delegated token: subscribes the tracked ids and reports coverage as the connection state. */
  readonly startPush?: (sink: PushSink) => Promise<void>;

  /**
   * Present only with a delegated token: deletes the subscription, stops renewing it, and delivers nothing more to
   * the sink (notifications still in flight are answered but not applied). A later `startPush` subscribes again.
   */
  readonly stopPush?: () => Promise<void>;

  setTrackedIds(accountIds: readonly string[]): void {
    const valid = [...new Set(accountIds.filter(isEntraObjectId))];
    this.tracked = new Set(valid.map((id) => id.toLowerCase()));
    this.ledger.retain(this.tracked);
    void this.subscriptions?.setTrackedIds(valid).catch(() => undefined);
  }

  /** The clientState lookup the webhook handler checks notifications against. */
  clientStateOf = (subscriptionId: string): string | undefined => this.subscriptions?.clientStateOf(subscriptionId);

  /** Current subscriptions, as the save callback receives them. */
  savedSubscriptions(): SavedTeamsSubscription[] {
    return this.subscriptions?.saved() ?? [];
  }

  /**
   * The webhook in one call: answers with the pure handler's result (at once) and applies it in the background.
   * The service's controller writes `status`, `contentType` and `body` back to Graph.
   */
  handleWebhook(request: GraphNotificationRequest): GraphNotificationResult {
    const push = this.options.push;
    const keys = push?.encryption ? [{ certificateId: push.encryption.certificateId, privateKey: push.encryption.privateKey }] : undefined;
    const result = handleGraphNotification(request, { clientStates: this.clientStateOf, decryptionKeys: keys, clock: this.timers, sequenceScope: this.sequenceScope });
    void this.receive(result).catch(() => undefined);
    return result;
  }

  /**
   * Applies an accepted notification batch: records go through the ledger (an older sequence never wins) to the
   * push sink; basic notifications' ids are re-read; lifecycle events go to the subscription manager.
   */
  async receive(result: GraphNotificationResult): Promise<void> {
    if (result.status !== 202 || this.closed || !this.sink) return;
    for (const record of result.records) this.deliver(record);
    const changed = result.changedIds.filter((id) => this.tracked.has(id.toLowerCase()));
    if (changed.length > 0) {
      try {
        for (const record of await this.fetchFromGraph(changed)) this.deliver(record);
      } catch {
        // The held state is now known to be old: forget it so the next poll re-reads these ids.
        for (const id of changed) this.ledger.delete(id);
      }
    }
    if (result.lifecycle.length > 0) await this.subscriptions?.handleLifecycle(result.lifecycle);
  }

  /**
   * The kit's health of the app client, plus `coverage`: how many tracked people the live subscription pushes
   * (at most 650, Graph's one subscription per signed-in user) and how many are polled.
   */
  health(): AdapterHealth {
    const app = this.app.health();
    const pushed = this.pushedCount();
    const health: AdapterHealth = { ...app, coverage: { pushed, polled: this.tracked.size - pushed } };
    if (this.subscriptions) {
      health.connection = this.connectionState();
      const subError = this.subscriptions.error();
      if (subError && !app.lastError) health.lastError = { code: subError.code, message: subError.message, at: new Date(this.timers.now()) };
    }
    return health;
  }

  /** Stops timers, aborts requests, and deletes subscriptions unless `push.keepOnClose`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions?.close(!this.options.push?.keepOnClose);
    this.app.close();
    this.delegated?.close();
  }

  private async beginPush(sink: PushSink): Promise<void> {
    this.sink = sink;
    sink.connection('connecting');
    await this.subscriptions?.start();
  }

  private async endPush(): Promise<void> {
    this.sink = undefined;
    await this.subscriptions?.stop();
  }

  private pushedCount(): number {
    const covered = this.subscriptions?.coveredIds();
    if (!covered) return 0;
    let pushed = 0;
    for (const id of this.tracked) if (covered.has(id)) pushed += 1;
    return pushed;
  }

  private heldIfCovered(id: string): PlatformPresence | undefined {
    const since = this.subscriptions?.coveredSince(id);
    const held = since === undefined ? undefined : this.ledger.get(id);
    return held && since !== undefined && held.observedAt.getTime() >= since ? held : undefined;
  }

  /** Re-reads changed ids; throws when any batch failed, so their held state is dropped instead of trusted. */
  private async fetchFromGraph(ids: readonly string[]): Promise<PlatformPresence[]> {
    const polled = await this.poller.read(ids);
    if (polled.failures.length > 0) throw polled.failures[0];
    return polled.records;
  }

  private deliver(record: PlatformPresence): void {
    if (!this.tracked.has(record.accountId.toLowerCase())) return;
    const { accepted } = this.ledger.offer(record);
    if (accepted) this.sink?.presence(record);
  }

  private connectionState(): 'connecting' | 'up' | 'down' | 'failed' {
    const error = this.subscriptions?.error();
    if (error && (error.code === 'AUTH_INVALID' || error.code === 'PERMISSION_DENIED')) return 'failed';
    // Up when the one subscription covers all it can: every tracked id, or 650 of them (the rest are polled).
    return this.pushedCount() >= Math.min(this.tracked.size, TEAMS_MAX_IDS_PER_REQUEST) ? 'up' : 'down';
  }

  private reportConnection(error?: PresenceError): void {
    if (this.closed || !this.sink) return;
    this.sink.connection(this.connectionState(), error);
  }
}

/** Builds a Teams adapter from config (credentials, base URLs, push settings); never reads the environment. */
export function createTeamsAdapter(config: TeamsAdapterConfig, deps: TeamsAdapterDeps = {}): TeamsAdapter {
  return new TeamsAdapter(config, deps);
}

/** An AdapterFactory for core's `adapterFactories` (`initializePlatform('teams', {tenant_id, ...})`): polling only. */
export function teamsAdapterFactory(deps: TeamsAdapterDeps = {}): AdapterFactory {
  return (credentials) => createTeamsAdapter({ credentials }, deps);
}
