import { PLATFORMS } from '../model/platform';
import type { PresenceData } from '../model/presence';
import { PRESENCE_STATUSES, type PresenceStatus } from '../model/status';

/** Slots per person: one per platform, in {@link PLATFORMS} order. */
export const SLOTS = PLATFORMS.length;

/** Index of each status in {@link PRESENCE_STATUSES}: how statuses are held in the table. */
export const STATUS_INDEX: Readonly<Record<PresenceStatus, number>> = Object.freeze(
  Object.fromEntries(PRESENCE_STATUSES.map((status, index) => [status, index])) as Record<PresenceStatus, number>,
);

const INITIAL_PEOPLE = 64;

/**
 * People's readings as data: each person id is interned once to a small integer (a handle), and each
 * (person, platform) pair is one slot `handle * 6 + platform` in flat columns, so a reading changes one slot
 * and a person's six slots sit side by side. Records are kept as the immutable objects listeners received;
 * times and statuses are mirrored in typed arrays, so freshness and aggregation read numbers, not objects.
 */
export class PresenceTable {
  private readonly handles = new Map<string, number>();
  private readonly free: number[] = [];
  private next = 0;
  private entries = 0;
  /** Person id by handle; undefined for a free handle. */
  userIdOf: (string | undefined)[] = [];
  /** Bit p set when the person holds a record on platform p. */
  present = new Uint8Array(INITIAL_PEOPLE);
  /** Bit p set when that record carries an end time (`expiresAt`). */
  expiring = new Uint8Array(INITIAL_PEOPLE);
  /** The last aggregate announced for the person (0: none), as {@link announcedCode} encodes it. */
  announced = new Uint8Array(INITIAL_PEOPLE);
  /** Whether any aggregate was ever announced (then it is followed even with no listener left). */
  announcing = false;
  records: (PresenceData | undefined)[] = [];
  /** Epoch ms of the last read or push that confirmed the slot's record. */
  confirmedAt = new Float64Array(INITIAL_PEOPLE * SLOTS);
  /** Epoch ms of the record's `lastUpdated`. */
  updatedAt = new Float64Array(INITIAL_PEOPLE * SLOTS);
  /** The record's status, as its index in PRESENCE_STATUSES. */
  status = new Uint8Array(INITIAL_PEOPLE * SLOTS);

  /** The person's handle, or -1; never creates one. */
  handleOf(userId: string): number {
    const handle = this.handles.get(userId);
    return handle === undefined ? -1 : handle;
  }

  /** The person's handle, interning the id on first sight. */
  intern(userId: string): number {
    const known = this.handles.get(userId);
    if (known !== undefined) return known;
    const handle = this.free.length > 0 ? (this.free.pop() as number) : this.next++;
    if (handle >= this.present.length) this.grow(handle + 1);
    this.handles.set(userId, handle);
    this.userIdOf[handle] = userId;
    return handle;
  }

  /** Writes one slot: the record, when it was confirmed, and its numbers. */
  put(handle: number, slot: number, record: PresenceData, confirmedAt: number): void {
    const index = handle * SLOTS + slot;
    const bit = 1 << slot;
    if ((this.present[handle] & bit) === 0) {
      this.present[handle] |= bit;
      this.entries++;
    }
    if (record.expiresAt === undefined) this.expiring[handle] &= ~bit;
    else this.expiring[handle] |= bit;
    this.records[index] = record;
    this.confirmedAt[index] = confirmedAt;
    this.updatedAt[index] = record.lastUpdated.getTime();
    this.status[index] = STATUS_INDEX[record.status];
  }

  /** Empties one slot; the person keeps their handle (and what was announced about them). */
  clear(handle: number, slot: number): void {
    const bit = 1 << slot;
    if ((this.present[handle] & bit) === 0) return;
    this.present[handle] &= ~bit;
    this.expiring[handle] &= ~bit;
    this.records[handle * SLOTS + slot] = undefined;
    this.entries--;
  }

  /** Forgets a person entirely and frees the handle for reuse. */
  release(handle: number): void {
    const userId = this.userIdOf[handle];
    if (userId === undefined) return;
    for (let slot = 0; slot < SLOTS; slot++) this.clear(handle, slot);
    this.handles.delete(userId);
    this.userIdOf[handle] = undefined;
    this.announced[handle] = 0;
    this.free.push(handle);
  }

  announce(handle: number, code: number): void {
    this.announced[handle] = code;
    this.announcing = true;
  }

  /** Number of filled (person, platform) slots. */
  size(): number {
    return this.entries;
  }

  /** Handles of people holding at least one record. */
  *heldHandles(): IterableIterator<number> {
    for (let handle = 0; handle < this.next; handle++) if (this.present[handle] !== 0) yield handle;
  }

  private grow(people: number): void {
    let capacity = this.present.length;
    while (capacity < people) capacity *= 2;
    this.present = resized(this.present, capacity);
    this.expiring = resized(this.expiring, capacity);
    this.announced = resized(this.announced, capacity);
    this.confirmedAt = resized(this.confirmedAt, capacity * SLOTS);
    this.updatedAt = resized(this.updatedAt, capacity * SLOTS);
    this.status = resized(this.status, capacity * SLOTS);
  }
}

function resized<T extends Uint8Array | Float64Array>(array: T, length: number): T {
  const out = new (array.constructor as new (length: number) => T)(length);
  out.set(array);
  return out;
}

/** What an aggregate listener was last told about a person, in one byte (status and availability). */
export function announcedCode(statusIndex: number, available: boolean): number {
  return 1 + statusIndex + (available ? PRESENCE_STATUSES.length : 0);
}
