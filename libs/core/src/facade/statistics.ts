import { PLATFORMS, type Platform } from '../model/platform';
import { PRESENCE_STATUSES, type PresenceStatus } from '../model/status';
import type { AdapterHealth } from '../ports/adapter';

export interface PlatformStatistics {
  records: number;
  byStatus: Record<PresenceStatus, number>;
  polls: number;
  errors: number;
  errorsByCode: Record<string, number>;
  lastPollAt: Date | null;
  lastError: { code: string; message: string; at: Date } | null;
  /** Native values no table knew, normalized to unknown. */
  unrecognized: number;
  health?: AdapterHealth;
}

export interface PresenceStatistics {
  peopleTracked: number;
  byStatus: Record<PresenceStatus, number>;
  platforms: Partial<Record<Platform, PlatformStatistics>>;
  cache: { hits: number; misses: number; hitRate: number };
  polls: number;
  errors: number;
  retries: number;
  changesEmitted: number;
  /**
   * Records for accounts linked to nobody (which includes every account id that breaks the id rule: such an id
   * is never linked), or for people who did not consent: dropped.
   */
  dropped: number;
  /** Listeners that threw or whose promise rejected (contained; the aggregator carried on). */
  listenerFailures: number;
}

export function emptyStatusCounts(): Record<PresenceStatus, number> {
  return Object.fromEntries(PRESENCE_STATUSES.map((status) => [status, 0])) as Record<PresenceStatus, number>;
}

/** Counters the facade bumps on its hot paths; turned into a report on demand. */
export class StatisticsCounters {
  cacheHits = 0;
  cacheMisses = 0;
  changesEmitted = 0;
  dropped = 0;
  listenerFailures = 0;
  private readonly perPlatform = new Map<Platform, Omit<PlatformStatistics, 'records' | 'byStatus' | 'health'>>();

  platform(platform: Platform): Omit<PlatformStatistics, 'records' | 'byStatus' | 'health'> {
    let stats = this.perPlatform.get(platform);
    if (!stats) {
      stats = { polls: 0, errors: 0, errorsByCode: {}, lastPollAt: null, lastError: null, unrecognized: 0 };
      this.perPlatform.set(platform, stats);
    }
    return stats;
  }

  recordError(platform: Platform, code: string, message: string, at: Date): void {
    const stats = this.platform(platform);
    stats.errors++;
    stats.errorsByCode[code] = (stats.errorsByCode[code] ?? 0) + 1;
    stats.lastError = { code, message, at };
  }

  knownPlatforms(): Platform[] {
    return PLATFORMS.filter((platform) => this.perPlatform.has(platform));
  }
}

/** What a statistics report is built from: the counters, the adapters' health, and every cached record now. */
export interface StatisticsInput {
  counters: StatisticsCounters;
  platforms: readonly Platform[];
  health: (platform: Platform) => AdapterHealth | undefined;
  /** Each person's current records (inferred ones already decayed to now). */
  records: Iterable<readonly { platform: Platform; status: PresenceStatus }[]>;
  linkedPeople: number;
}

export function buildStatistics(input: StatisticsInput): PresenceStatistics {
  const { counters } = input;
  const byStatus = emptyStatusCounts();
  const platforms: PresenceStatistics['platforms'] = {};
  const statsOf = (platform: Platform): PlatformStatistics => {
    let stats = platforms[platform];
    if (!stats) {
      stats = { ...counters.platform(platform), records: 0, byStatus: emptyStatusCounts(), health: input.health(platform) };
      platforms[platform] = stats;
    }
    return stats;
  };
  for (const platform of new Set([...input.platforms, ...counters.knownPlatforms()])) statsOf(platform);
  let people = 0;
  for (const personRecords of input.records) {
    people++;
    for (const { platform, status } of personRecords) {
      const stats = statsOf(platform);
      stats.records++;
      stats.byStatus[status]++;
      byStatus[status]++;
    }
  }
  const all = Object.values(platforms) as PlatformStatistics[];
  const sum = (pick: (stats: PlatformStatistics) => number): number => all.reduce((total, stats) => total + pick(stats), 0);
  const { cacheHits: hits, cacheMisses: misses } = counters;
  return {
    peopleTracked: Math.max(people, input.linkedPeople),
    byStatus,
    platforms,
    cache: { hits, misses, hitRate: hits + misses === 0 ? 1 : hits / (hits + misses) },
    polls: sum((stats) => stats.polls),
    errors: sum((stats) => stats.errors),
    retries: sum((stats) => stats.health?.retries ?? 0),
    changesEmitted: counters.changesEmitted,
    dropped: counters.dropped,
    listenerFailures: counters.listenerFailures,
  };
}
