import type { Platform } from '../model/platform';
import type { CacheEntry, PresenceCache } from '../ports/cache';

const EMPTY: ReadonlyMap<Platform, CacheEntry> = new Map();

/**
 * The embedded cache: one small map per person. Reads never create entries, so asking about strangers
 * costs nothing; memory grows only with records the adapters actually delivered.
 */
export class MemoryPresenceCache implements PresenceCache {
  private readonly people = new Map<string, Map<Platform, CacheEntry>>();
  private count = 0;

  get(userId: string, platform: Platform): CacheEntry | undefined {
    return this.people.get(userId)?.get(platform);
  }

  entries(userId: string): ReadonlyMap<Platform, CacheEntry> {
    return this.people.get(userId) ?? EMPTY;
  }

  set(userId: string, platform: Platform, entry: CacheEntry): void {
    let platforms = this.people.get(userId);
    if (!platforms) {
      platforms = new Map();
      this.people.set(userId, platforms);
    }
    if (!platforms.has(platform)) this.count++;
    platforms.set(platform, entry);
  }

  delete(userId: string, platform?: Platform): void {
    const platforms = this.people.get(userId);
    if (!platforms) return;
    if (platform === undefined) {
      this.count -= platforms.size;
      this.people.delete(userId);
      return;
    }
    if (platforms.delete(platform)) this.count--;
    if (platforms.size === 0) this.people.delete(userId);
  }

  userIds(): IterableIterator<string> {
    return this.people.keys();
  }

  size(): number {
    return this.count;
  }
}
