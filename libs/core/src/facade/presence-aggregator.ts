import type { AggregationPolicyName } from '../aggregate/policies';
import { isMonitored } from '../aggregate/preferences';
import { MemoryPresenceCache } from '../cache/memory-presence-cache';
import { SLOTS } from '../cache/presence-table';
import type { StoredRecords } from '../cache/stored-records';
import { type IdentityDirectory, InMemoryIdentityDirectory } from '../identity/identity-directory';
import { InvalidInputError } from '../model/errors';
import { PLATFORMS, type Platform } from '../model/platform';
import type { PlatformPresence, PresenceData } from '../model/presence';
import { PRESENCE_STATUSES, type PresenceStatus } from '../model/status';
import type { ConnectionState, PresenceAdapter } from '../ports/adapter';
import { systemClock } from '../ports/clock';
import { TimerScheduler } from '../ports/scheduler';
import type { Engine } from './engine';
import { Evaluator } from './evaluator';
import {
  AGGREGATOR_DEFAULTS,
  type AggregateListener,
  type PlatformListener,
  type PollOutcome,
  type PresenceAggregatorOptions,
  type PresenceExplanation,
  type PresenceListener,
} from './facade-types';
import { Ingestion } from './ingestion';
import { ListenerSet } from './listener-set';
import { Monitoring } from './monitoring';
import { PlatformRules } from './platform-rules';
import { Reads } from './reads';
import { buildStatistics, type PresenceStatistics, StatisticsCounters } from './statistics';

/**
 * The seed's API, framework-free: register adapters, monitor, ask who is available, listen for changes.
 * Reads are served from the cache; no platform call happens on a read. The work is done by three parts on
 * one shared engine: {@link Monitoring} (adapters, loops, push), {@link Ingestion} (readings in, listeners)
 * and {@link Reads} (answers).
 *
 * Every method that takes a person id checks it against the id rule (`ID_RULE`: printable, no control
 * characters, no lone surrogates, at most `MAX_ID_LENGTH`) and throws InvalidInputError when it breaks it.
 *
 * The embedded {@link MemoryPresenceCache} (the one passed in, or a new one) holds the readings; another
 * implementation of the cache port is written through on every change, and never read.
 */
export class PresenceAggregator {
  readonly directory: IdentityDirectory;
  private readonly engine: Engine;
  private readonly monitoring: Monitoring;
  private readonly ingestion: Ingestion;
  private readonly reads: Reads;
  private readonly platformListeners: ListenerSet<Parameters<PlatformListener>>;

  constructor(options: PresenceAggregatorOptions = {}) {
    const settings = { ...AGGREGATOR_DEFAULTS, ...options };
    const store = options.cache instanceof MemoryPresenceCache ? options.cache : new MemoryPresenceCache();
    const directory = options.directory ?? new InMemoryIdentityDirectory(store.table.index);
    // One person index for links and readings: a reading's account resolves to its table row in one lookup.
    if (directory instanceof InMemoryIdentityDirectory) directory.shareIndex(store.table.index);
    const counters = new StatisticsCounters();
    const clock = options.clock ?? systemClock;
    const failed = (kind: string) => (error: unknown) => {
      counters.listenerFailures++;
      this.log(`a ${kind} listener failed: ${error instanceof Error ? error.message : String(error)}`);
    };
    this.directory = directory;
    this.platformListeners = new ListenerSet(failed('platform'));
    this.monitoring = new Monitoring({
      scheduler: options.scheduler ?? new TimerScheduler(),
      clock,
      counters,
      options: settings,
      platformListeners: this.platformListeners,
      ingest: (platform, records) => this.ingestion.ingest(platform, records),
      reevaluate: (platform) => this.ingestion.reevaluate(platform),
      monitoredAccounts: (platform) => this.monitoredAccounts(platform),
      rulesChanged: () => this.engine.rules.invalidate(),
      log: (message) => this.log(message),
    });
    const rules = new PlatformRules(directory, this.monitoring, settings.cacheTtlMs, settings.recencyWindowMs);
    this.engine = {
      table: store.table,
      mirror: options.mirror ?? (options.cache !== undefined && options.cache !== store ? options.cache : undefined),
      directory,
      links: directory instanceof InMemoryIdentityDirectory ? directory : undefined,
      rules,
      evaluator: new Evaluator(store.table, rules),
      counters,
      clock,
      options: settings,
      settings: { policy: options.defaultPolicy ?? 'highest-priority' },
      presenceListeners: new ListenerSet(failed('presence')),
      aggregateListeners: new ListenerSet(failed('aggregate')),
    };
    this.ingestion = new Ingestion(this.engine);
    this.reads = new Reads(this.engine);
  }

  // ---- platforms and monitoring ----------------------------------------------------------------------

  /** Registers a ready-made adapter (any implementation of the port, including a scripted one in tests). */
  registerAdapter(adapter: PresenceAdapter): void {
    this.monitoring.registerAdapter(adapter);
  }

  /** Builds the platform's adapter from credentials, connects it, and registers it; throws PresenceError. */
  connectPlatform(platform: Platform | string, credentials: Readonly<Record<string, unknown>>): Promise<PresenceAdapter> {
    return this.monitoring.connectPlatform(platform, credentials);
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
    return this.monitoring.adapter(platform);
  }

  platforms(): Platform[] {
    return this.monitoring.platforms();
  }

  connectionState(platform: Platform): ConnectionState | undefined {
    return this.monitoring.connectionState(platform);
  }

  /** Starts a polling loop per polled platform (first poll at once) and the push connections of the others. */
  startMonitoring(platforms?: readonly (Platform | string)[]): Promise<void> {
    return this.monitoring.startMonitoring(platforms);
  }

  /**
   * Stops monitoring the given platforms (or all): polling loops are cancelled (polls in flight awaited),
   * push connections stopped (`stopPush`: a Discord session is kept for a later resume, Graph subscriptions
   * released), and nothing an adapter still delivers is applied. Records then age: polled ones go stale
   * when their TTL passes, pushed ones at once (no connection confirms them). With no loop left, no timer is.
   */
  stopMonitoring(platforms?: readonly (Platform | string)[]): Promise<void> {
    return this.monitoring.stopMonitoring(platforms);
  }

  /** Brings a platform's next poll forward (after linking people): one batched sweep, within the budget. */
  pollSoon(platform: Platform, withinMs = 1_000): void {
    this.monitoring.pollSoon(platform, withinMs);
  }

  /**
   * With `polling: 'external'`: runs one batch of a platform's accounts through the loop's own poll path (errors
   * counted, records ingested, answers re-evaluated) and says what it read. Only accounts monitored here are read.
   */
  pollBatch(platform: Platform, accountIds: readonly string[]): Promise<PollOutcome> {
    return this.monitoring.pollBatch(platform, accountIds);
  }

  isMonitoring(platform?: Platform): boolean {
    return this.monitoring.isMonitoring(platform);
  }

  /** Changes a platform's polling interval at runtime; the next poll follows the new interval. */
  setPollInterval(platform: Platform, intervalMs: number): void {
    this.monitoring.setPollInterval(platform, intervalMs);
  }

  intervalOf(platform: Platform): number {
    return this.monitoring.intervalOf(platform);
  }

  /** Stops monitoring and closes every adapter. */
  close(): Promise<void> {
    return this.monitoring.close();
  }

  // ---- ingestion -------------------------------------------------------------------------------------

  /**
   * Takes records from an adapter (poll, push or a webhook the service received). Each confirms its
   * (person, platform) entry; listeners hear only real changes. Returns how many records changed. A record for
   * an account linked to nobody, including any account id that breaks the id rule (`ID_RULE`) (never linked), is
   * dropped and counted in the statistics' `dropped`.
   */
  ingest(platform: Platform, records: readonly PlatformPresence[]): number {
    return this.ingestion.ingest(platform, records);
  }

  /** Drops everything held about a person (opt-out, erasure), or one platform's record. Throws InvalidInputError for an id that breaks the id rule (`ID_RULE`). */
  forget(userId: string, platform?: Platform): void {
    this.ingestion.forget(userId, platform);
  }

  /** Tells adapters which accounts to track after identities or consent changed. */
  refreshTracking(): void {
    for (const [platform, adapter] of this.monitoring.adapterEntries()) adapter.setTrackedIds?.(this.monitoredAccounts(platform));
  }

  /** Loads a record restored from storage with its real confirmation time, so its age still counts. Throws InvalidInputError for an id that breaks the id rule (`ID_RULE`). */
  restore(userId: string, record: PresenceData, confirmedAt: number): void {
    this.ingestion.restore(userId, record, confirmedAt);
  }

  /**
   * Loads a page of stored records (a store's columns) with their real confirmation times, as {@link restore}
   * does one record, without a record object per row. Rows whose person id breaks the id rule (`ID_RULE`), or
   * whose platform or status core does not know, are left out; returns how many were loaded.
   */
  restoreRecords(records: StoredRecords): number {
    return this.ingestion.restoreRecords(records);
  }

  // ---- reads -----------------------------------------------------------------------------------------

  /** The seed's `get_user_presence`: the records held for a person, by platform. Never creates an entry. */
  getUserPresence(userId: string, platform?: Platform | string): Partial<Record<Platform, PresenceData>> {
    return this.reads.getUserPresence(userId, platform);
  }

  /** The seed's `get_aggregated_presence`. */
  getAggregatedPresence(userId: string): PresenceStatus {
    return this.reads.getAggregatedPresence(userId);
  }

  /** The seed's `are_users_available`, for up to `maxBatch` people. */
  areUsersAvailable(userIds: readonly string[]): Record<string, boolean> {
    return this.reads.areUsersAvailable(userIds);
  }

  /** Everything about one person's presence now: aggregate, decider, stale platforms, per-platform records. */
  explain(userId: string): PresenceExplanation {
    return this.reads.explain(userId);
  }

  setDefaultPolicy(policy: AggregationPolicyName): void {
    this.engine.settings.policy = policy;
  }

  // ---- listeners -------------------------------------------------------------------------------------

  /** The seed's `add_presence_listener`; returns a function that removes it. Listeners get each change as a record of its own. */
  addPresenceListener(listener: PresenceListener): () => void {
    return this.engine.presenceListeners.add(listener);
  }

  addAggregateListener(listener: AggregateListener): () => void {
    return this.engine.aggregateListeners.add(listener);
  }

  addPlatformListener(listener: PlatformListener): () => void {
    return this.platformListeners.add(listener);
  }

  /** The seed's `get_presence_statistics`, plus cache, poll, error, retry and change counters. */
  getPresenceStatistics(): PresenceStatistics {
    const { table, evaluator, rules, clock, counters } = this.engine;
    rules.refresh();
    const now = clock.now();
    const monitoring = this.monitoring;
    return buildStatistics({
      counters,
      platforms: this.platforms(),
      health: (platform) => monitoring.adapter(platform)?.health?.(),
      records: (function* () {
        for (const handle of table.heldHandles()) {
          const records: { platform: Platform; status: PresenceStatus }[] = [];
          for (let slot = 0; slot < SLOTS; slot++) {
            if ((table.present[handle] & (1 << slot)) !== 0) records.push({ platform: PLATFORMS[slot], status: PRESENCE_STATUSES[evaluator.currentStatus(handle, slot, now)] });
          }
          yield records;
        }
      })(),
      linkedPeople: this.directory.people().length,
    });
  }

  /** Accounts on a platform whose people consented and did not opt out: the only ones ever polled. */
  monitoredAccounts(platform: Platform): string[] {
    const { preferences, consentDefault } = this.engine.options;
    const out: string[] = [];
    for (const [accountId, userId] of this.directory.peopleOn(platform)) {
      if (isMonitored(preferences?.(userId), platform, consentDefault)) out.push(accountId);
    }
    return out;
  }

  private log(message: string): void {
    this.engine.options.logger?.warn(message);
  }
}
