import { effectiveTtlMs, type FreshnessRule, currentRecord, isFresh } from '../aggregate/freshness';
import { type AggregateResult, type AggregationPolicyName, aggregate, type Vote } from '../aggregate/policies';
import { isAvailable, isMonitored, type PersonPreferences } from '../aggregate/preferences';
import { MemoryPresenceCache } from '../cache/memory-presence-cache';
import { type IdentityDirectory, InMemoryIdentityDirectory, validateId } from '../identity/identity-directory';
import { InvalidInputError, isPresenceError, PresenceError } from '../model/errors';
import { type Platform, parsePlatform, PLATFORMS } from '../model/platform';
import type { PlatformPresence, PresenceData } from '../model/presence';
import type { PresenceStatus } from '../model/status';
import type { AdapterFactory, ConnectionState, PresenceAdapter } from '../ports/adapter';
import type { PresenceCache } from '../ports/cache';
import { type Clock, systemClock } from '../ports/clock';
import { type Scheduler, TimerScheduler } from '../ports/scheduler';
import { PlatformMonitor } from './platform-monitor';
import { emptyStatusCounts, type PresenceStatistics, StatisticsCounters } from './statistics';

export type PresenceListener = (userId: string, platform: Platform, presence: PresenceData) => void;

export interface AggregateChange {
  status: PresenceStatus;
  available: boolean;
  decidedBy: Platform | null;
}
export type AggregateListener = (userId: string, change: AggregateChange) => void;

export interface PlatformStateChange {
  platform: Platform;
  state: ConnectionState;
  error?: PresenceError;
}
export type PlatformListener = (change: PlatformStateChange) => void;

/** One person's presence explained: the aggregate, who decided, and each platform's record. */
export interface PresenceExplanation extends AggregateResult {
  userId: string;
  available: boolean;
  platforms: Partial<Record<Platform, PresenceData & { stale: boolean }>>;
  updatedAt: Date | null;
}

export interface PresenceAggregatorOptions {
  clock?: Clock;
  scheduler?: Scheduler;
  cache?: PresenceCache;
  directory?: IdentityDirectory;
  /** Builds adapters for `initializePlatform`; an app passes the factories of the adapter libs it uses. */
  adapterFactories?: Partial<Record<Platform, AdapterFactory>>;
  /** The seed's PRESENCE_POLL_INTERVAL, in ms (30 s). */
  pollIntervalMs?: number;
  pollIntervalsMs?: Partial<Record<Platform, number>>;
  /** The seed's PRESENCE_CACHE_TTL, in ms (300 s). */
  cacheTtlMs?: number;
  /** WhatsApp and LinkedIn: last seen within this window reads as online (300 s). */
  recencyWindowMs?: number;
  defaultPolicy?: AggregationPolicyName;
  /** Monitoring consent when a person has not said (granted unless set otherwise). */
  consentDefault?: boolean;
  /** A person's preferences; consulted before every poll and on every availability answer. */
  preferences?: (userId: string) => PersonPreferences | undefined;
  /** Most ids `areUsersAvailable` accepts in one call. */
  maxBatch?: number;
}

const DEFAULTS = { pollIntervalMs: 30_000, cacheTtlMs: 300_000, recencyWindowMs: 300_000, maxBatch: 1000 };

const OPTIONAL_FIELDS = ['lastSeen', 'activity', 'customMessage', 'devices', 'expiresAt', 'sequence'] as const;

/** Only the fields the platform filled: at 600,000 records, absent fields would cost tens of megabytes. */
function toPresenceData(userId: string, record: PlatformPresence): PresenceData {
  const data: PresenceData = {
    userId,
    platform: record.platform,
    status: record.status,
    lastUpdated: record.observedAt,
    rawStatus: record.rawStatus,
  };
  for (const field of OPTIONAL_FIELDS) {
    if (record[field] !== undefined) (data as unknown as Record<string, unknown>)[field] = record[field];
  }
  return data;
}

/** A real change is one a listener cares about: status, activity or message, not a re-read. */
function changed(before: PresenceData | undefined, after: PresenceData): boolean {
  return (
    before === undefined ||
    before.status !== after.status ||
    before.activity !== after.activity ||
    before.customMessage !== after.customMessage
  );
}

/** An older reading never overwrites a newer one (out-of-order webhooks, Graph sequence numbers). */
function isOlder(incoming: PlatformPresence, held: PresenceData): boolean {
  if (incoming.sequence !== undefined && held.sequence !== undefined) return incoming.sequence < held.sequence;
  return incoming.observedAt.getTime() < held.lastUpdated.getTime();
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
  private readonly options: Required<Pick<PresenceAggregatorOptions, keyof typeof DEFAULTS>> & PresenceAggregatorOptions;
  private readonly adapters = new Map<Platform, PresenceAdapter>();
  private readonly connection = new Map<Platform, ConnectionState>();
  private readonly monitors = new Map<Platform, PlatformMonitor>();
  private readonly lastAggregate = new Map<string, AggregateChange>();
  private readonly presenceListeners = new Set<PresenceListener>();
  private readonly aggregateListeners = new Set<AggregateListener>();
  private readonly platformListeners = new Set<PlatformListener>();
  private readonly counters = new StatisticsCounters();
  private defaultPolicy: AggregationPolicyName;
  private housekeeping = false;

  constructor(options: PresenceAggregatorOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
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
    if (previous && previous !== adapter) void previous.close().catch(() => undefined);
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
      const presenceError = isPresenceError(error) ? error : new PresenceError('TRANSIENT', String(error), { platform: name, cause: error });
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
    const names = platforms.map(parsePlatform);
    for (const platform of names) {
      const adapter = this.adapters.get(platform);
      if (!adapter) throw new PresenceError('UNSUPPORTED', `${platform} is not initialized`, { platform });
      if (this.monitors.has(platform)) continue;
      adapter.setTrackedIds?.(this.monitoredAccounts(platform));
      if (adapter.startPush) {
        await adapter.startPush({
          presence: (record) => this.ingest(platform, [record]),
          connection: (state, error) => this.setConnection(platform, state, error),
        });
      }
      if (adapter.capabilities.poll) {
        const monitor = new PlatformMonitor(platform, this.scheduler, this.intervalOf(platform), () => this.pollOnce(platform), () => adapter.health?.());
        this.monitors.set(platform, monitor);
        monitor.start();
      } else {
        this.monitors.set(platform, new PlatformMonitor(platform, this.scheduler, 0, async () => undefined, () => undefined));
      }
    }
    this.scheduleHousekeeping();
  }

  /** Cancels every loop and waits for polls in flight; leaves no timer behind. */
  async stopMonitoring(): Promise<void> {
    const monitors = [...this.monitors.values()];
    this.monitors.clear();
    this.housekeeping = false;
    this.scheduler.cancel('presence:housekeeping');
    await Promise.all(monitors.map((monitor) => monitor.stop()));
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
    await Promise.allSettled(adapters.map((adapter) => adapter.close()));
  }

  private async pollOnce(platform: Platform): Promise<void> {
    const adapter = this.adapters.get(platform);
    if (!adapter) return;
    const stats = this.counters.platform(platform);
    const ids = this.monitoredAccounts(platform);
    try {
      if (ids.length > 0) {
        const result = await adapter.fetchPresence(ids);
        this.ingest(platform, result.records);
      }
      stats.polls++;
      stats.lastPollAt = new Date(this.clock.now());
    } catch (error) {
      const presenceError = isPresenceError(error) ? error : new PresenceError('TRANSIENT', String(error), { platform, cause: error });
      this.counters.recordError(platform, presenceError.code, presenceError.message, new Date(this.clock.now()));
    }
    this.reevaluate(platform);
  }

  private scheduleHousekeeping(): void {
    if (this.housekeeping) return;
    this.housekeeping = true;
    const every = Math.min(15_000, ...this.platforms().map((platform) => this.intervalOf(platform)));
    const tick = (): void => {
      if (!this.housekeeping) return;
      this.reevaluate();
      this.scheduler.schedule('presence:housekeeping', every, tick);
    };
    this.scheduler.schedule('presence:housekeeping', every, tick);
  }

  private setConnection(platform: Platform, state: ConnectionState, error?: PresenceError): void {
    if (this.connection.get(platform) === state && !error) return;
    this.connection.set(platform, state);
    if (error) this.counters.recordError(platform, error.code, error.message, new Date(this.clock.now()));
    this.emit(this.platformListeners, { platform, state, error });
    this.reevaluate(platform);
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
      if (userId === undefined || !isMonitored(this.options.preferences?.(userId), platform, this.consentDefault)) {
        this.counters.dropped++;
        continue;
      }
      const held = this.cache.get(userId, platform);
      if (held && isOlder(record, held.record)) continue;
      const data = toPresenceData(userId, record);
      this.cache.set(userId, platform, { record: data, confirmedAt: now });
      touched.add(userId);
      if (changed(held?.record, data)) {
        changes++;
        this.counters.changesEmitted++;
        this.emit(this.presenceListeners, userId, platform, data);
      }
    }
    for (const userId of touched) this.updateAggregate(userId, now);
    return changes;
  }

  /** Drops everything held about a person (opt-out, erasure). */
  forget(userId: string, platform?: Platform): void {
    this.cache.delete(userId, platform);
    if (platform === undefined) this.lastAggregate.delete(userId);
    else this.updateAggregate(userId, this.clock.now());
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
    validateId(userId, 'userId');
    const only = platform === undefined ? undefined : parsePlatform(platform);
    const explanation = this.explain(userId);
    const out: Partial<Record<Platform, PresenceData>> = {};
    for (const [name, data] of Object.entries(explanation.platforms) as [Platform, PresenceData & { stale: boolean }][]) {
      if (only !== undefined && name !== only) continue;
      const { stale: _stale, ...record } = data;
      out[name] = record;
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
    validateId(userId, 'userId');
    const now = this.clock.now();
    const prefs = this.options.preferences?.(userId);
    const votes: Vote[] = [];
    const platforms: PresenceExplanation['platforms'] = {};
    let updatedAt = 0;
    const entries = this.cache.entries(userId);
    const linked = Object.keys(this.directory.accountsOf(userId)).length;
    // A linked platform with no record yet is a miss as much as a stale one.
    this.counters.cacheMisses += Math.max(0, linked - entries.length);
    for (const entry of entries) {
      const platform = entry.record.platform;
      const rule = this.ruleFor(platform);
      const fresh = isFresh(entry, rule, now);
      if (fresh) this.counters.cacheHits++;
      else this.counters.cacheMisses++;
      const record = currentRecord(entry, rule, now);
      platforms[platform] = { ...record, stale: !fresh };
      votes.push({ platform, status: record.status, updatedAt: record.lastUpdated.getTime(), fresh });
      updatedAt = Math.max(updatedAt, record.lastUpdated.getTime());
    }
    const result = aggregate(votes, prefs?.policy ?? this.defaultPolicy);
    return {
      userId,
      ...result,
      available: isAvailable(result.status, prefs, now, this.consentDefault),
      platforms,
      updatedAt: updatedAt > 0 ? new Date(updatedAt) : null,
    };
  }

  setDefaultPolicy(policy: AggregationPolicyName): void {
    this.defaultPolicy = policy;
  }

  // ---- listeners -------------------------------------------------------------------------------------

  /** The seed's `add_presence_listener`; returns a function that removes it. */
  addPresenceListener(listener: PresenceListener): () => void {
    this.presenceListeners.add(listener);
    return () => this.presenceListeners.delete(listener);
  }

  addAggregateListener(listener: AggregateListener): () => void {
    this.aggregateListeners.add(listener);
    return () => this.aggregateListeners.delete(listener);
  }

  addPlatformListener(listener: PlatformListener): () => void {
    this.platformListeners.add(listener);
    return () => this.platformListeners.delete(listener);
  }

  // ---- statistics ------------------------------------------------------------------------------------

  /** The seed's `get_presence_statistics`, plus cache, poll, error, retry and change counters. */
  getPresenceStatistics(): PresenceStatistics {
    const byStatus = emptyStatusCounts();
    const platforms: PresenceStatistics['platforms'] = {};
    const known = new Set<Platform>([...this.platforms(), ...this.counters.knownPlatforms()]);
    for (const platform of known) {
      platforms[platform] = { ...this.counters.platform(platform), records: 0, byStatus: emptyStatusCounts(), health: this.adapters.get(platform)?.health?.() };
    }
    const now = this.clock.now();
    let people = 0;
    for (const userId of this.cache.userIds()) {
      people++;
      for (const entry of this.cache.entries(userId)) {
        const platform = entry.record.platform;
        const record = currentRecord(entry, this.ruleFor(platform), now);
        const stats = platforms[platform] ?? { ...this.counters.platform(platform), records: 0, byStatus: emptyStatusCounts() };
        platforms[platform] = stats;
        stats.records++;
        stats.byStatus[record.status]++;
        byStatus[record.status]++;
      }
    }
    const all = Object.values(platforms);
    const { cacheHits: hits, cacheMisses: misses } = this.counters;
    return {
      peopleTracked: Math.max(people, this.directory.people().length),
      byStatus,
      platforms,
      cache: { hits, misses, hitRate: hits + misses === 0 ? 1 : hits / (hits + misses) },
      polls: all.reduce((sum, stats) => sum + (stats?.polls ?? 0), 0),
      errors: all.reduce((sum, stats) => sum + (stats?.errors ?? 0), 0),
      retries: all.reduce((sum, stats) => sum + (stats?.health?.retries ?? 0), 0),
      changesEmitted: this.counters.changesEmitted,
      dropped: this.counters.dropped,
    };
  }

  // ---- internals -------------------------------------------------------------------------------------

  private get consentDefault(): boolean {
    return this.options.consentDefault ?? true;
  }

  /** Accounts on a platform whose people consented and did not opt out: the only ones ever polled. */
  monitoredAccounts(platform: Platform): string[] {
    const prefs = this.options.preferences;
    return this.directory.accountsOn(platform).filter((accountId) => {
      const userId = this.directory.personOf(platform, accountId);
      return userId !== undefined && isMonitored(prefs?.(userId), platform, this.consentDefault);
    });
  }

  private ruleFor(platform: Platform): FreshnessRule {
    const capabilities = this.adapters.get(platform)?.capabilities;
    const mode = capabilities?.freshness ?? 'poll';
    return {
      mode,
      ttlMs: effectiveTtlMs(this.options.cacheTtlMs, this.directory.accountCount(platform), capabilities?.idsPerMinute),
      connectionUp: this.connection.get(platform) === 'up',
      recencyWindowMs: this.options.recencyWindowMs,
    };
  }

  /** Re-aggregates people whose answer may have changed with time (TTL, decay, a dropped connection). */
  private reevaluate(platform?: Platform): void {
    const now = this.clock.now();
    for (const userId of this.cache.userIds()) {
      if (platform === undefined || this.cache.get(userId, platform)) this.updateAggregate(userId, now);
    }
  }

  private updateAggregate(userId: string, _now: number): void {
    if (this.aggregateListeners.size === 0 && !this.lastAggregate.has(userId)) {
      // Nobody listens: remember nothing, so strangers and quiet deployments cost no memory here.
      return;
    }
    const { status, available, decidedBy } = this.explainQuietly(userId);
    const previous = this.lastAggregate.get(userId);
    if (previous && previous.status === status && previous.available === available) return;
    const change = { status, available, decidedBy };
    this.lastAggregate.set(userId, change);
    this.emit(this.aggregateListeners, userId, change);
  }

  /** Like explain, without counting cache hits: internal re-aggregation is not a read. */
  private explainQuietly(userId: string): PresenceExplanation {
    const { cacheHits, cacheMisses } = this.counters;
    const explanation = this.explain(userId);
    this.counters.cacheHits = cacheHits;
    this.counters.cacheMisses = cacheMisses;
    return explanation;
  }

  /** One throwing listener never stops the others. */
  private emit<A extends unknown[]>(listeners: Set<(...args: A) => void>, ...args: A): void {
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch {
        // A listener's failure is its own; the aggregator and the other listeners carry on.
      }
    }
  }
}
