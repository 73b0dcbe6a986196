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
  /** Records for accounts linked to nobody, or for people who did not consent: dropped. */
  dropped: number;
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
