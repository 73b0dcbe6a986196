import { InvalidInputError, isPresenceError, PresenceError } from '../model/errors';
import { type Platform, parsePlatform, PLATFORMS } from '../model/platform';
import type { PlatformPresence } from '../model/presence';
import type { AdapterCapabilities, ConnectionState, FetchResult, PresenceAdapter } from '../ports/adapter';
import type { Clock } from '../ports/clock';
import type { Scheduler } from '../ports/scheduler';
import type { AGGREGATOR_DEFAULTS, PlatformListener, PlatformStateChange, PollOutcome, PresenceAggregatorOptions } from './facade-types';
import type { ListenerSet } from './listener-set';
import { PlatformMonitor } from './platform-monitor';
import type { RuleSource } from './platform-rules';
import type { StatisticsCounters } from './statistics';

const HOUSEKEEPING = 'presence:housekeeping';
const NOTHING: FetchResult = Object.freeze({ records: [], notFound: [] }) as FetchResult;

export function asPresenceError(error: unknown, platform: Platform): PresenceError {
  return isPresenceError(error) ? error : new PresenceError('TRANSIENT', String(error), { platform, cause: error });
}

/** What monitoring needs from the rest of the facade. */
export interface MonitoringDeps {
  scheduler: Scheduler;
  clock: Clock;
  counters: StatisticsCounters;
  options: typeof AGGREGATOR_DEFAULTS & PresenceAggregatorOptions;
  platformListeners: ListenerSet<Parameters<PlatformListener>>;
  ingest(platform: Platform, records: readonly PlatformPresence[]): number;
  reevaluate(platform?: Platform): void;
  monitoredAccounts(platform: Platform): string[];
  /** Adapters, intervals or connections changed: freshness rules must be recomputed. */
  rulesChanged(): void;
  log(message: string): void;
}

/**
 * Platforms and their monitoring: adapters, connection states, one polling loop per polled platform, push
 * connections, and the housekeeping tick that re-aggregates when time alone changes answers.
 */
export class Monitoring implements RuleSource {
  private readonly adapters = new Map<Platform, PresenceAdapter>();
  private readonly connection = new Map<Platform, ConnectionState>();
  private readonly monitors = new Map<Platform, PlatformMonitor>();
  /** Push connections run from the first start until stopped, the adapter replaced or closed, never twice. */
  private readonly pushing = new Set<Platform>();
  private housekeeping = false;

  constructor(private readonly deps: MonitoringDeps) {}

  registerAdapter(adapter: PresenceAdapter): void {
    const previous = this.adapters.get(adapter.platform);
    if (previous && previous !== adapter) {
      void previous.close().catch(() => undefined);
      this.pushing.delete(adapter.platform);
    }
    this.adapters.set(adapter.platform, adapter);
    this.deps.rulesChanged();
    adapter.setTrackedIds?.(this.deps.monitoredAccounts(adapter.platform));
  }

  async connectPlatform(platform: Platform | string, credentials: Readonly<Record<string, unknown>>): Promise<PresenceAdapter> {
    const name = parsePlatform(platform);
    const factory = this.deps.options.adapterFactories?.[name];
    if (!factory) throw new PresenceError('UNSUPPORTED', `no adapter is installed for ${name}`, { platform: name });
    const adapter = factory(credentials);
    try {
      await adapter.connect();
    } catch (error) {
      await adapter.close().catch(() => undefined);
      const presenceError = asPresenceError(error, name);
      this.deps.counters.recordError(name, presenceError.code, presenceError.message, new Date(this.deps.clock.now()));
      throw presenceError;
    }
    this.registerAdapter(adapter);
    return adapter;
  }

  adapter(platform: Platform): PresenceAdapter | undefined {
    return this.adapters.get(platform);
  }

  adapterEntries(): IterableIterator<[Platform, PresenceAdapter]> {
    return this.adapters.entries();
  }

  platforms(): Platform[] {
    return PLATFORMS.filter((platform) => this.adapters.has(platform));
  }

  connectionState(platform: Platform): ConnectionState | undefined {
    return this.connection.get(platform);
  }

  capabilities(platform: Platform): AdapterCapabilities | undefined {
    return this.adapters.get(platform)?.capabilities;
  }

  connectionUp(platform: Platform): boolean {
    return this.connection.get(platform) === 'up';
  }

  async startMonitoring(platforms: readonly (Platform | string)[] = this.platforms()): Promise<void> {
    for (const platform of platforms.map(parsePlatform)) {
      const adapter = this.adapters.get(platform);
      if (!adapter) throw new PresenceError('UNSUPPORTED', `${platform} is not initialized`, { platform });
      if (this.monitors.has(platform)) continue;
      adapter.setTrackedIds?.(this.deps.monitoredAccounts(platform));
      // An external driver polls instead of the loop: the monitor then only gates push, like a push-only platform's.
      const interval = adapter.capabilities.poll && this.deps.options.polling !== 'external' ? this.intervalOf(platform) : 0;
      const monitor = new PlatformMonitor(
        platform,
        this.deps.scheduler,
        interval,
        () => this.pollOnce(platform),
        () => adapter.health?.(),
        () => this.deps.clock.now(),
      );
      // Registered before push starts, so what the push delivers from its first moment is applied.
      this.monitors.set(platform, monitor);
      if (adapter.startPush && !this.pushing.has(platform)) {
        this.pushing.add(platform);
        // One array for every pushed record of this platform: a push is one record, and ingest keeps none.
        const one: PlatformPresence[] = [];
        await adapter.startPush({
          // A stopped platform's data is not applied, whatever an adapter still delivers.
          presence: (record) => {
            if (!this.monitors.has(platform)) return;
            one[0] = record;
            this.deps.ingest(platform, one);
          },
          connection: (state, error) => this.monitors.has(platform) && this.setConnection({ platform, state, error }),
        });
      }
      monitor.start();
    }
    this.scheduleHousekeeping();
  }

  async stopMonitoring(platforms?: readonly (Platform | string)[], options: { push?: boolean } = {}): Promise<void> {
    const names = platforms === undefined ? [...this.monitors.keys()] : platforms.map(parsePlatform);
    const stopping = names.filter((platform) => this.monitors.has(platform));
    const monitors = stopping.map((platform) => this.monitors.get(platform) as PlatformMonitor);
    for (const platform of stopping) this.monitors.delete(platform);
    if (this.monitors.size === 0) {
      this.housekeeping = false;
      this.deps.scheduler.cancel(HOUSEKEEPING);
    }
    const pushes = options.push === false ? [] : stopping.map((platform) => this.stopPush(platform));
    await Promise.all([...monitors.map((monitor) => monitor.stop()), ...pushes]);
  }

  pollSoon(platform: Platform, withinMs: number): void {
    this.monitors.get(platform)?.pollSoon(withinMs);
  }

  isMonitoring(platform?: Platform): boolean {
    return platform === undefined ? this.monitors.size > 0 : this.monitors.has(platform);
  }

  setPollInterval(platform: Platform, intervalMs: number): void {
    if (!Number.isFinite(intervalMs) || intervalMs < 1000) throw new InvalidInputError('poll interval must be at least 1 second');
    this.deps.options.pollIntervalsMs = { ...this.deps.options.pollIntervalsMs, [platform]: intervalMs };
    this.deps.rulesChanged();
    this.monitors.get(platform)?.setInterval(intervalMs);
  }

  intervalOf(platform: Platform): number {
    return this.deps.options.pollIntervalsMs?.[platform] ?? this.deps.options.pollIntervalMs;
  }

  /**
   * Stops the loops and closes every adapter. Push is not stopped first: `close()` is a shutdown, and what the
   * platform holds for us (a Graph subscription, a resumable Discord session) is kept for the next start.
   */
  async close(): Promise<void> {
    await this.stopMonitoring(undefined, { push: false });
    const adapters = [...this.adapters.values()];
    this.adapters.clear();
    this.pushing.clear();
    this.deps.rulesChanged();
    await Promise.allSettled(adapters.map((adapter) => adapter.close()));
  }

  private async stopPush(platform: Platform): Promise<void> {
    const adapter = this.adapters.get(platform);
    if (!this.pushing.has(platform) || !adapter?.stopPush) return;
    this.pushing.delete(platform);
    await adapter.stopPush().catch((error: unknown) => this.deps.log(`${platform}: stopping push failed: ${String(error)}`));
    if (this.connection.has(platform)) this.setConnection({ platform, state: 'down' });
  }

  /**
   * One batch through the loop's own poll (same error counting, statistics and re-evaluation), for an external
   * driver. Only ids monitored here now are read; nothing is polled for a platform not being monitored.
   */
  async pollBatch(platform: Platform, accountIds: readonly string[]): Promise<PollOutcome> {
    if (!this.monitors.has(platform) || !this.adapters.get(platform)?.capabilities.poll) {
      return { read: [], notFound: [], skipped: [...accountIds], error: { code: 'UNSUPPORTED', message: `${platform} is not polled here` } };
    }
    const monitored = new Set(this.deps.monitoredAccounts(platform));
    const ids = accountIds.filter((id) => monitored.has(id));
    const skipped = accountIds.filter((id) => !monitored.has(id));
    const result = await this.poll(platform, ids);
    if (!('records' in result)) return { read: [], notFound: [], skipped, error: { code: result.code, message: result.message } };
    return { read: result.records.map((record) => record.accountId), notFound: result.notFound, skipped };
  }

  private async pollOnce(platform: Platform): Promise<void> {
    await this.poll(platform, this.deps.monitoredAccounts(platform));
  }

  private async poll(platform: Platform, ids: readonly string[]): Promise<FetchResult | PresenceError> {
    const adapter = this.adapters.get(platform);
    if (!adapter) return NOTHING;
    const { counters, clock } = this.deps;
    const stats = counters.platform(platform);
    let outcome: FetchResult | PresenceError = NOTHING;
    try {
      if (ids.length > 0) {
        outcome = await adapter.fetchPresence(ids);
        this.deps.ingest(platform, outcome.records);
      }
      stats.polls++;
      stats.lastPollAt = new Date(clock.now());
    } catch (error) {
      const presenceError = asPresenceError(error, platform);
      counters.recordError(platform, presenceError.code, presenceError.message, new Date(clock.now()));
      outcome = presenceError;
    }
    this.deps.reevaluate(platform);
    return outcome;
  }

  /** Time alone changes answers (TTLs pass, inferred statuses decay): re-aggregate now and then. */
  private scheduleHousekeeping(): void {
    if (this.housekeeping) return;
    this.housekeeping = true;
    const every = Math.min(15_000, ...this.platforms().map((platform) => this.intervalOf(platform)));
    const tick = (): void => {
      if (!this.housekeeping) return;
      this.deps.reevaluate();
      this.deps.scheduler.schedule(HOUSEKEEPING, every, tick);
    };
    this.deps.scheduler.schedule(HOUSEKEEPING, every, tick);
  }

  private setConnection(change: PlatformStateChange): void {
    if (this.connection.get(change.platform) === change.state && !change.error) return;
    this.connection.set(change.platform, change.state);
    this.deps.rulesChanged();
    if (change.error) this.deps.counters.recordError(change.platform, change.error.code, change.error.message, new Date(this.deps.clock.now()));
    this.deps.platformListeners.emit(change);
    this.deps.reevaluate(change.platform);
  }
}
