import { currentRecord, effectiveTtlMs, type FreshnessRule, isFresh } from '../aggregate/freshness';
import { aggregate, type AggregationPolicyName, type Vote } from '../aggregate/policies';
import { isAvailable, isMonitored, type PersonPreferences } from '../aggregate/preferences';
import { MemoryPresenceCache } from '../cache/memory-presence-cache';
import { type IdentityDirectory, InMemoryIdentityDirectory, validateId } from '../identity/identity-directory';
import { InvalidInputError, isPresenceError, PresenceError } from '../model/errors';
import { type Platform, parsePlatform, PLATFORMS } from '../model/platform';
import type { PlatformPresence, PresenceData } from '../model/presence';
import type { PresenceStatus } from '../model/status';
import type { ConnectionState, PresenceAdapter } from '../ports/adapter';
import type { PresenceCache } from '../ports/cache';
import { type Clock, systemClock } from '../ports/clock';
import { type Scheduler, TimerScheduler } from '../ports/scheduler';
import {
  AGGREGATOR_DEFAULTS,
  type AggregateChange,
  type AggregateListener,
  type PlatformListener,
  type PlatformStateChange,
  type PresenceAggregatorOptions,
  type PresenceExplanation,
  type PresenceListener,
} from './facade-types';
import { ListenerSet } from './listener-set';
import { PlatformMonitor } from './platform-monitor';
import { isChange, isOlder, toPresenceData } from './records';
import { buildStatistics, type PresenceStatistics, StatisticsCounters } from './statistics';

const HOUSEKEEPING = 'presence:housekeeping';

function asPresenceError(error: unknown, platform: Platform): PresenceError {
  return isPresenceError(error) ? error : new PresenceError('TRANSIENT', String(error), { platform, cause: error });
}

/**
 * The seed's API, framework-free: register adapters, monitor, ask who is available, listen for changes.
 * Reads are served from the cache; no platform call happens on a read.
 */
export class PresenceAggregator {
  readonly directory: IdentityDirectory;
  private readonly clock: Clock;
  private readonly scheduler: Scheduler;
  private readonly cache: PresenceCache;
  private readonly options: typeof AGGREGATOR_DEFAULTS & PresenceAggregatorOptions;
  private readonly adapters = new Map<Platform, PresenceAdapter>();
  private readonly connection = new Map<Platform, ConnectionState>();
  private readonly monitors = new Map<Platform, PlatformMonitor>();
  /** Push connections run from the first start until the adapter is replaced or closed, never twice. */
  private readonly pushing = new Set<Platform>();
  private readonly lastAggregate = new Map<string, AggregateChange>();
  private readonly counters = new StatisticsCounters();
  private readonly presenceListeners = new ListenerSet<Parameters<PresenceListener>>((error) => this.listenerFailed('presence', error));
  private readonly aggregateListeners = new ListenerSet<Parameters<AggregateListener>>((error) => this.listenerFailed('aggregate', error));
  private readonly platformListeners = new ListenerSet<Parameters<PlatformListener>>((error) => this.listenerFailed('platform', error));
  private defaultPolicy: AggregationPolicyName;
  private housekeeping = false;

  constructor(options: PresenceAggregatorOptions = {}) {
    this.options = { ...AGGREGATOR_DEFAULTS, ...options };
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? new TimerScheduler();
    this.cache = options.cache ?? new MemoryPresenceCache();
    this.directory = options.directory ?? new InMemoryIdentityDirectory();
    this.defaultPolicy = options.defaultPolicy ?? 'highest-priority';
  }

  // ---- platforms -------------------------------------------------------------------------------------

  /** Registers a ready-made adapter (any implementation of the port, including a scripted one in tests). */
  registerAdapter(adapter: PresenceAdapter): void {
    const previous = this.adapters.get(adapter.platform);
    if (previous && previous !== adapter) {
      void previous.close().catch(() => undefined);
      this.pushing.delete(adapter.platform);
    }
    this.adapters.set(adapter.platform, adapter);
    adapter.setTrackedIds?.(this.monitoredAccounts(adapter.platform));
  }

  /** Builds the platform's adapter from credentials, connects it, and registers it; throws PresenceError. */
  async connectPlatform(platform: Platform | string, credentials: Readonly<Record<string, unknown>>): Promise<PresenceAdapter> {
    const name = parsePlatform(platform);
    const factory = this.options.adapterFactories?.[name];
    if (!factory) throw new PresenceError('UNSUPPORTED', `no adapter is installed for ${name}`, { platform: name });
    const adapter = factory(credentials);
    try {
      await adapter.connect();
    } catch (error) {
      await adapter.close().catch(() => undefined);
      const presenceError = asPresenceError(error, name);
      this.counters.recordError(name, presenceError.code, presenceError.message, new Date(this.clock.now()));
      throw presenceError;
    }
    this.registerAdapter(adapter);
    return adapter;
  }

  /** The seed's `initialize_platform`: true when connected, false (with the error in statistics) when not. */
  async initializePlatform(platform: Platform | string, credentials: Readonly<Record<string, unknown>>): Promise<boolean> {
    try {
      await this.connectPlatform(platform, credentials);
      return true;
    } catch (error) {
      if (error instanceof InvalidInputError) throw error;
      return false;
    }
  }

  adapter(platform: Platform): PresenceAdapter | undefined {
    return this.adapters.get(platform);
  }

  platforms(): Platform[] {
    return PLATFORMS.filter((platform) => this.adapters.has(platform));
  }

  connectionState(platform: Platform): ConnectionState | undefined {
    return this.connection.get(platform);
  }

  // ---- monitoring ------------------------------------------------------------------------------------

  /** Starts a polling loop per polled platform (first poll at once) and the push connections of the others. */
  async startMonitoring(platforms: readonly (Platform | string)[] = this.platforms()): Promise<void> {
    for (const platform of platforms.map(parsePlatform)) {
      const adapter = this.adapters.get(platform);
      if (!adapter) throw new PresenceError('UNSUPPORTED', `${platform} is not initialized`, { platform });
      if (this.monitors.has(platform)) continue;
      adapter.setTrackedIds?.(this.monitoredAccounts(platform));
      const interval = adapter.capabilities.poll ? this.intervalOf(platform) : 0;
      const monitor = new PlatformMonitor(
        platform,
        this.scheduler,
        interval,
        () => this.pollOnce(platform),
        () => adapter.health?.(),
        () => this.clock.now(),
      );
      // Registered before push starts, so what the push delivers from its first moment is applied.
      this.monitors.set(platform, monitor);
      if (adapter.startPush && !this.pushing.has(platform)) {
        this.pushing.add(platform);
        await adapter.startPush({
          // A stopped platform's data is not applied, whatever an adapter still delivers.
          presence: (record) => this.monitors.has(platform) && this.ingest(platform, [record]),
          connection: (state, error) => this.monitors.has(platform) && this.setConnection({ platform, state, error }),
        });
      }
      monitor.start();
    }
    this.scheduleHousekeeping();
  }

  /**
   * Stops monitoring the given platforms (or all): polling loops are cancelled (polls in flight awaited),
   * push connections stopped (`stopPush`: a Discord session is kept for a later resume, Graph subscriptions
   * released), and nothing an adapter still delivers is applied. Records then age: polled ones go stale
   * when their TTL passes, pushed ones at once (no connection confirms them). With no loop left, no timer is.
   */
  async stopMonitoring(platforms?: readonly (Platform | string)[]): Promise<void> {
    const names = platforms === undefined ? [...this.monitors.keys()] : platforms.map(parsePlatform);
    const stopping = names.filter((platform) => this.monitors.has(platform));
    const monitors = stopping.map((platform) => this.monitors.get(platform) as PlatformMonitor);
    for (const platform of stopping) this.monitors.delete(platform);
    if (this.monitors.size === 0) {
      this.housekeeping = false;
      this.scheduler.cancel(HOUSEKEEPING);
    }
    await Promise.all([...monitors.map((monitor) => monitor.stop()), ...stopping.map((platform) => this.stopPush(platform))]);
  }

  /** Brings a platform's next poll forward (after linking people): one batched sweep, within the budget. */
  pollSoon(platform: Platform, withinMs = 1_000): void {
    this.monitors.get(platform)?.pollSoon(withinMs);
  }

  private async stopPush(platform: Platform): Promise<void> {
    const adapter = this.adapters.get(platform);
    if (!this.pushing.has(platform) || !adapter?.stopPush) return;
    this.pushing.delete(platform);
    await adapter.stopPush().catch((error: unknown) => this.log('warn', `${platform}: stopping push failed: ${String(error)}`));
    if (this.connection.has(platform)) this.setConnection({ platform, state: 'down' });
  }

  isMonitoring(platform?: Platform): boolean {
    return platform === undefined ? this.monitors.size > 0 : this.monitors.has(platform);
  }

  /** Changes a platform's polling interval at runtime; the next poll follows the new interval. */
  setPollInterval(platform: Platform, intervalMs: number): void {
    if (!Number.isFinite(intervalMs) || intervalMs < 1000) throw new InvalidInputError('poll interval must be at least 1 second');
    this.options.pollIntervalsMs = { ...this.options.pollIntervalsMs, [platform]: intervalMs };
    this.monitors.get(platform)?.setInterval(intervalMs);
  }

  intervalOf(platform: Platform): number {
    return this.options.pollIntervalsMs?.[platform] ?? this.options.pollIntervalMs;
  }

  /** Stops monitoring and closes every adapter. */
  async close(): Promise<void> {
    await this.stopMonitoring();
    const adapters = [...this.adapters.values()];
    this.adapters.clear();
    this.pushing.clear();
    await Promise.allSettled(adapters.map((adapter) => adapter.close()));
  }

  private async pollOnce(platform: Platform): Promise<void> {
    const adapter = this.adapters.get(platform);
    if (!adapter) return;
    const stats = this.counters.platform(platform);
    const ids = this.monitoredAccounts(platform);
    try {
      if (ids.length > 0) this.ingest(platform, (await adapter.fetchPresence(ids)).records);
      stats.polls++;
      stats.lastPollAt = new Date(this.clock.now());
    } catch (error) {
      const presenceError = asPresenceError(error, platform);
      this.counters.recordError(platform, presenceError.code, presenceError.message, new Date(this.clock.now()));
    }
    this.reevaluate(platform);
  }

  /** Time alone changes answers (TTLs pass, inferred statuses decay): re-aggregate now and then. */
  private scheduleHousekeeping(): void {
    if (this.housekeeping) return;
    this.housekeeping = true;
    const every = Math.min(15_000, ...this.platforms().map((platform) => this.intervalOf(platform)));
    const tick = (): void => {
      if (!this.housekeeping) return;
      this.reevaluate();
      this.scheduler.schedule(HOUSEKEEPING, every, tick);
    };
    this.scheduler.schedule(HOUSEKEEPING, every, tick);
  }

  private setConnection(change: PlatformStateChange): void {
    if (this.connection.get(change.platform) === change.state && !change.error) return;
    this.connection.set(change.platform, change.state);
    if (change.error) this.counters.recordError(change.platform, change.error.code, change.error.message, new Date(this.clock.now()));
    this.platformListeners.emit(change);
    this.reevaluate(change.platform);
  }

  // ---- ingestion -------------------------------------------------------------------------------------

  /**
   * Takes records from an adapter (poll, push or a webhook the service received). Each confirms its
   * (person, platform) entry; listeners hear only real changes. Returns how many records changed.
   */
  ingest(platform: Platform, records: readonly PlatformPresence[]): number {
    const now = this.clock.now();
    const stats = this.counters.platform(platform);
    let changes = 0;
    const touched = new Set<string>();
    for (const record of records) {
      if (record.unrecognized) stats.unrecognized++;
      const userId = this.directory.personOf(platform, record.accountId);
      if (userId === undefined || !isMonitored(this.options.preferences?.(userId), platform, this.options.consentDefault)) {
        this.counters.dropped++;
        continue;
      }
      const held = this.cache.get(userId, platform);
      if (held && isOlder(record, held.record)) continue;
      const data = toPresenceData(userId, record);
      this.cache.set(userId, platform, { record: data, confirmedAt: now });
      touched.add(userId);
      if (isChange(held?.record, data)) {
        changes++;
        this.counters.changesEmitted++;
        this.presenceListeners.emit(userId, platform, data);
      }
    }
    for (const userId of touched) this.updateAggregate(userId);
    return changes;
  }

  /** Drops everything held about a person (opt-out, erasure), or one platform's record. */
  forget(userId: string, platform?: Platform): void {
    this.cache.delete(userId, platform);
    if (platform === undefined) this.lastAggregate.delete(userId);
    else this.updateAggregate(userId);
  }

  /** Tells adapters which accounts to track after identities or consent changed. */
  refreshTracking(): void {
    for (const [platform, adapter] of this.adapters) adapter.setTrackedIds?.(this.monitoredAccounts(platform));
  }

  /** Loads a record restored from storage with its real confirmation time, so its age still counts. */
  restore(userId: string, record: PresenceData, confirmedAt: number): void {
    this.cache.set(userId, record.platform, { record, confirmedAt });
  }

  // ---- reads -----------------------------------------------------------------------------------------

  /** The seed's `get_user_presence`: the records held for a person, by platform. Never creates an entry. */
  getUserPresence(userId: string, platform?: Platform | string): Partial<Record<Platform, PresenceData>> {
    const only = platform === undefined ? undefined : parsePlatform(platform);
    const out: Partial<Record<Platform, PresenceData>> = {};
    for (const [name, { stale: _stale, ...record }] of Object.entries(this.explain(userId).platforms)) {
      if (only === undefined || name === only) out[name as Platform] = record;
    }
    return out;
  }

  /** The seed's `get_aggregated_presence`. */
  getAggregatedPresence(userId: string): PresenceStatus {
    return this.explain(userId).status;
  }

  /** The seed's `are_users_available`, for up to `maxBatch` people. */
  areUsersAvailable(userIds: readonly string[]): Record<string, boolean> {
    if (!Array.isArray(userIds)) throw new InvalidInputError('userIds must be an array');
    if (userIds.length > this.options.maxBatch) {
      throw new InvalidInputError(`at most ${this.options.maxBatch} user ids per call, got ${userIds.length}`);
    }
    const out: Record<string, boolean> = {};
    for (const userId of userIds) out[userId] = this.explain(userId).available;
    return out;
  }

  /** Everything about one person's presence now: aggregate, decider, stale platforms, per-platform records. */
  explain(userId: string): PresenceExplanation {
    return this.evaluate(validateId(userId, 'userId'), true);
  }

  setDefaultPolicy(policy: AggregationPolicyName): void {
    this.defaultPolicy = policy;
  }

  // ---- listeners -------------------------------------------------------------------------------------

  /** The seed's `add_presence_listener`; returns a function that removes it. */
  addPresenceListener(listener: PresenceListener): () => void {
    return this.presenceListeners.add(listener);
  }

  addAggregateListener(listener: AggregateListener): () => void {
    return this.aggregateListeners.add(listener);
  }

  addPlatformListener(listener: PlatformListener): () => void {
    return this.platformListeners.add(listener);
  }

  /** The seed's `get_presence_statistics`, plus cache, poll, error, retry and change counters. */
  getPresenceStatistics(): PresenceStatistics {
    const now = this.clock.now();
    const cache = this.cache;
    const current = (userId: string) =>
      cache.entries(userId).map((entry) => currentRecord(entry, this.ruleFor(entry.record.platform), now));
    return buildStatistics({
      counters: this.counters,
      platforms: this.platforms(),
      health: (platform) => this.adapters.get(platform)?.health?.(),
      records: (function* () {
        for (const userId of cache.userIds()) yield current(userId);
      })(),
      linkedPeople: this.directory.people().length,
    });
  }

  /** Accounts on a platform whose people consented and did not opt out: the only ones ever polled. */
  monitoredAccounts(platform: Platform): string[] {
    return this.directory.accountsOn(platform).filter((accountId) => {
      const userId = this.directory.personOf(platform, accountId);
      return userId !== undefined && isMonitored(this.options.preferences?.(userId), platform, this.options.consentDefault);
    });
  }

  // ---- internals -------------------------------------------------------------------------------------

  private ruleFor(platform: Platform): FreshnessRule {
    const capabilities = this.adapters.get(platform)?.capabilities;
    return {
      mode: capabilities?.freshness ?? 'poll',
      ttlMs: effectiveTtlMs(this.options.cacheTtlMs, this.directory.accountCount(platform), capabilities?.idsPerMinute, this.intervalOf(platform)),
      connectionUp: this.connection.get(platform) === 'up',
      recencyWindowMs: this.options.recencyWindowMs,
    };
  }

  /** Aggregates a person now; `countReads` is false for internal re-aggregation, which is not a read. */
  private evaluate(userId: string, countReads: boolean): PresenceExplanation {
    const now = this.clock.now();
    const prefs = this.options.preferences?.(userId);
    const votes: Vote[] = [];
    const platforms: PresenceExplanation['platforms'] = {};
    let updatedAt = 0;
    const entries = this.cache.entries(userId);
    let hits = 0;
    for (const entry of entries) {
      const platform = entry.record.platform;
      const rule = this.ruleFor(platform);
      const fresh = isFresh(entry, rule, now);
      if (fresh) hits++;
      const record = currentRecord(entry, rule, now);
      platforms[platform] = { ...record, stale: !fresh };
      votes.push({ platform, status: record.status, updatedAt: record.lastUpdated.getTime(), fresh });
      updatedAt = Math.max(updatedAt, record.lastUpdated.getTime());
    }
    if (countReads) {
      this.counters.cacheHits += hits;
      this.counters.cacheMisses += entries.length - hits + this.awaitedReadings(userId, platforms);
    }
    const result = aggregate(votes, prefs?.policy ?? this.defaultPolicy);
    return {
      userId,
      ...result,
      available: isAvailable(result.status, prefs, now, this.options.consentDefault),
      platforms,
      awaiting: this.awaiting(userId, platforms, prefs),
      updatedAt: updatedAt > 0 ? new Date(updatedAt) : null,
    };
  }

  /**
   * Linked platforms with no record yet are misses as much as stale ones, except inferred platforms, where
   * no record means no signal: that is the answer (unknown), not a reading still to come.
   */
  private awaitedReadings(userId: string, held: PresenceExplanation['platforms']): number {
    let awaited = 0;
    for (const platform of Object.keys(this.directory.accountsOf(userId)) as Platform[]) {
      if (!held[platform] && this.adapters.get(platform)?.capabilities.freshness !== 'inferred') awaited++;
    }
    return awaited;
  }

  /**
   * Linked, monitored platforms with no reading yet (no signal on an inferred platform, a poll not run yet),
   * so a reader can tell "linked, no data" from "not linked".
   */
  private awaiting(userId: string, held: PresenceExplanation['platforms'], prefs: PersonPreferences | undefined): Platform[] {
    const out: Platform[] = [];
    for (const platform of Object.keys(this.directory.accountsOf(userId)) as Platform[]) {
      if (!held[platform] && isMonitored(prefs, platform, this.options.consentDefault)) out.push(platform);
    }
    return out;
  }

  private listenerFailed(kind: string, error: unknown): void {
    this.counters.listenerFailures++;
    this.log('warn', `a ${kind} listener failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  private log(level: 'warn', message: string): void {
    this.options.logger?.[level](message);
  }

  /** Re-aggregates people whose answer may have changed with time (TTL, decay, a dropped connection). */
  private reevaluate(platform?: Platform): void {
    for (const userId of this.cache.userIds()) {
      if (platform === undefined || this.cache.get(userId, platform)) this.updateAggregate(userId);
    }
  }

  private updateAggregate(userId: string): void {
    // Nobody listens and nothing was sent before: remember nothing, so quiet deployments cost no memory here.
    if (this.aggregateListeners.size === 0 && !this.lastAggregate.has(userId)) return;
    const { status, available, decidedBy } = this.evaluate(userId, false);
    const previous = this.lastAggregate.get(userId);
    if (previous && previous.status === status && previous.available === available) return;
    const change = { status, available, decidedBy };
    this.lastAggregate.set(userId, change);
    this.aggregateListeners.emit(userId, change);
  }
}
