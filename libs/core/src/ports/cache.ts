import type { Platform } from '../model/platform';
import type { PresenceData } from '../model/presence';

/** One cached record and when a platform last confirmed it. */
export interface CacheEntry {
  record: PresenceData;
  /** Epoch ms of the last successful read or push that confirmed this record. */
  confirmedAt: number;
}

/**
 * Per person and platform. Reads never create entries. Kept small so a shared (Redis) implementation can
 * follow; freshness is decided by the aggregator, which knows each platform's mode and TTL.
 */
export interface PresenceCache {
  get(userId: string, platform: Platform): CacheEntry | undefined;
  /** Every platform entry held for a person (each record names its platform); empty when there is none. */
  entries(userId: string): readonly CacheEntry[];
  set(userId: string, platform: Platform, entry: CacheEntry): void;
  /** Removes one platform's entry, or all of a person's when platform is omitted. */
  delete(userId: string, platform?: Platform): void;
  userIds(): IterableIterator<string>;
  /** Number of (person, platform) entries. */
  size(): number;
}
