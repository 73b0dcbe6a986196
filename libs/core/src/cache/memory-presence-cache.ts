import { PLATFORMS, type Platform } from '../model/platform';
import type { CacheEntry, PresenceCache } from '../ports/cache';
import { PresenceTable, SLOTS } from './presence-table';

const SLOT = new Map<Platform, number>(PLATFORMS.map((platform, index) => [platform, index]));
const EMPTY: readonly CacheEntry[] = Object.freeze([]);

/**
 * The embedded cache, on a {@link PresenceTable}: person ids interned once, six fixed platform slots per
 * person in flat columns. The aggregator reads and writes the table directly; this class is the port's view
 * of it (entries and their records are built on demand, for snapshots and tools: each call returns new
 * objects). Reads never create entries.
 */
export class MemoryPresenceCache implements PresenceCache {
  readonly table = new PresenceTable();

  get(userId: string, platform: Platform): CacheEntry | undefined {
    const handle = this.table.handleOf(userId);
    const slot = SLOT.get(platform);
    if (handle < 0 || slot === undefined) return undefined;
    return this.entryAt(handle, slot);
  }

  entries(userId: string): readonly CacheEntry[] {
    const handle = this.table.handleOf(userId);
    if (handle < 0 || this.table.present[handle] === 0) return EMPTY;
    const out: CacheEntry[] = [];
    for (let slot = 0; slot < SLOTS; slot++) {
      const entry = this.entryAt(handle, slot);
      if (entry) out.push(entry);
    }
    return out;
  }

  set(userId: string, platform: Platform, entry: CacheEntry): void {
    const slot = SLOT.get(platform);
    if (slot === undefined) return;
    this.table.put(this.table.intern(userId), slot, entry.record, entry.record.lastUpdated.getTime(), entry.confirmedAt);
  }

  delete(userId: string, platform?: Platform): void {
    const handle = this.table.handleOf(userId);
    if (handle < 0) return;
    if (platform === undefined) return this.table.release(handle);
    const slot = SLOT.get(platform);
    if (slot !== undefined) this.table.clear(handle, slot);
  }

  *userIds(): IterableIterator<string> {
    for (const handle of this.table.heldHandles()) yield this.table.userIdOf[handle] as string;
  }

  size(): number {
    return this.table.size();
  }

  /**
   * The entries confirmed at or after `sinceMs` (a read or push since then), with their person: what a
   * shutdown must write when everything older is already stored as it is (restored and not read since).
   */
  *entriesConfirmedSince(sinceMs: number): IterableIterator<{ userId: string; entry: CacheEntry }> {
    const { table } = this;
    for (const handle of table.heldHandles()) {
      for (let slot = 0; slot < SLOTS; slot++) {
        if (table.confirmedAt[handle * SLOTS + slot] < sinceMs) continue;
        const entry = this.entryAt(handle, slot);
        if (entry) yield { userId: table.userIdOf[handle] as string, entry };
      }
    }
  }

  private entryAt(handle: number, slot: number): CacheEntry | undefined {
    const record = this.table.record(handle, slot);
    return record === undefined ? undefined : { record, confirmedAt: this.table.confirmedAt[handle * SLOTS + slot] };
  }
}
