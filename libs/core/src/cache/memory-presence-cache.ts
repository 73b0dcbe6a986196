import { PLATFORMS, type Platform } from '../model/platform';
import type { CacheEntry, PresenceCache } from '../ports/cache';

const SLOT = new Map<Platform, number>(PLATFORMS.map((platform, index) => [platform, index]));
const EMPTY: readonly CacheEntry[] = Object.freeze([]);

/**
 * The embedded cache: one small fixed array of platform slots per person (a Map per person costs several
 * times more at 100,000 people). Reads never create entries, so asking about strangers costs nothing.
 */
export class MemoryPresenceCache implements PresenceCache {
  private readonly people = new Map<string, (CacheEntry | undefined)[]>();
  private count = 0;

  get(userId: string, platform: Platform): CacheEntry | undefined {
    return this.people.get(userId)?.[SLOT.get(platform) ?? -1];
  }

  entries(userId: string): readonly CacheEntry[] {
    const slots = this.people.get(userId);
    if (!slots) return EMPTY;
    return slots.filter((entry): entry is CacheEntry => entry !== undefined);
  }

  set(userId: string, platform: Platform, entry: CacheEntry): void {
    const slot = SLOT.get(platform);
    if (slot === undefined) return;
    let slots = this.people.get(userId);
    if (!slots) {
      slots = new Array<CacheEntry | undefined>(PLATFORMS.length).fill(undefined);
      this.people.set(userId, slots);
    }
    if (slots[slot] === undefined) this.count++;
    slots[slot] = entry;
  }

  delete(userId: string, platform?: Platform): void {
    const slots = this.people.get(userId);
    if (!slots) return;
    if (platform === undefined) {
      this.count -= slots.filter((entry) => entry !== undefined).length;
      this.people.delete(userId);
      return;
    }
    const slot = SLOT.get(platform) ?? -1;
    if (slots[slot] === undefined) return;
    slots[slot] = undefined;
    this.count--;
    if (slots.every((entry) => entry === undefined)) this.people.delete(userId);
  }

  userIds(): IterableIterator<string> {
    return this.people.keys();
  }

  size(): number {
    return this.count;
  }
}
