import { PersonIndex, resized } from '../identity/person-index';
import { PLATFORMS, type Platform } from '../model/platform';
import { type ChangeFields, type DeviceStatuses, isPresenceChange, type PresenceData } from '../model/presence';
import { PRESENCE_STATUSES, type PresenceStatus } from '../model/status';
import type { StoredRecords } from './stored-records';

/** Slots per person: one per platform, in {@link PLATFORMS} order. */
export const SLOTS = PLATFORMS.length;

/** Index of each status in {@link PRESENCE_STATUSES}: how statuses are held in the table. */
export const STATUS_INDEX: Readonly<Record<PresenceStatus, number>> = Object.freeze(
  Object.fromEntries(PRESENCE_STATUSES.map((status, index) => [status, index])) as Record<PresenceStatus, number>,
);

/** Numbers per person in {@link PresenceTable.decisions}: decided at, valid until, packed answer, rules version. */
export const DECISION = 4;

/** What a slot holds of a reading: a record's fields but its person, platform and time (columns of their own). */
export type SlotFields = Pick<PresenceData, 'status' | 'rawStatus' | 'activity' | 'customMessage' | 'lastSeen' | 'devices' | 'expiresAt' | 'sequence' | 'sequenceScope'>;

/**
 * Fields not every reading carries (Discord's devices, Graph's sequence numbers, custom messages), in one
 * object per slot made the first time the slot needs it and then overwritten in place: never handed out
 * (records are built from it), so a reading with these fields allocates nothing either.
 */
interface RareFields {
  customMessage: string | undefined;
  devices: DeviceStatuses | undefined;
  sequence: string | undefined;
  sequenceScope: string | undefined;
}

/**
 * People's readings as data, with no object per reading: each person is a handle in a {@link PersonIndex}
 * (shared with the identity directory, so an account resolves to its row with one lookup), and each
 * (person, platform) pair is one slot `handle * 6 + platform` in flat columns: numbers in typed arrays
 * (status, times), the native status and activity as references to the adapter's strings, the rare fields
 * in one object per slot that needs them, overwritten in place. A reading overwrites its slot in place (a re-read that confirms the
 * same state allocates nothing and leaves no garbage); records are built only when asked for ({@link record}).
 */
export class PresenceTable {
  private entries = 0;
  /** Bit p set when the person holds a record on platform p. */
  present: Uint8Array;
  /** Bit p set when that record carries an end time (`expiresAt`). */
  expiring: Uint8Array;
  /** The last aggregate announced for the person (0: none), as {@link announcedCode} encodes it. */
  announced: Uint8Array;
  /**
   * A person's last decided aggregate, {@link DECISION} numbers per person (decided at, valid until, the
   * answer packed, rules version), kept by the reads; any write to the person's slots voids it (`until` 0).
   */
  decisions: Float64Array;
  /** Whether any aggregate was ever announced (then it is followed even with no listener left). */
  announcing = false;
  /** Epoch ms of the last read or push that confirmed the slot's record. */
  confirmedAt: Float64Array;
  /** Epoch ms of the record's `lastUpdated`. */
  updatedAt: Float64Array;
  /** Epoch ms of `lastSeen`, NaN for none. */
  lastSeen: Float64Array;
  /** Epoch ms of `expiresAt`, NaN for none. */
  expiresAt: Float64Array;
  /** The record's status, as its index in PRESENCE_STATUSES. */
  status: Uint8Array;
  rawStatus: (string | undefined)[];
  activity: (string | undefined)[];
  private rare: (RareFields | undefined)[];
  /** A slot's change fields, refilled for each comparison. */
  private readonly held: { -readonly [K in keyof ChangeFields]: ChangeFields[K] } = { status: 'unknown', activity: undefined, customMessage: undefined, devices: undefined };

  constructor(readonly index: PersonIndex = new PersonIndex()) {
    const people = index.capacity;
    this.present = new Uint8Array(people);
    this.expiring = new Uint8Array(people);
    this.announced = new Uint8Array(people);
    this.decisions = new Float64Array(people * DECISION);
    this.confirmedAt = new Float64Array(people * SLOTS);
    this.updatedAt = new Float64Array(people * SLOTS);
    this.lastSeen = new Float64Array(people * SLOTS);
    this.expiresAt = new Float64Array(people * SLOTS);
    this.status = new Uint8Array(people * SLOTS);
    this.rawStatus = filled(people * SLOTS);
    this.activity = filled(people * SLOTS);
    this.rare = filled(people * SLOTS);
    index.onGrow((capacity) => this.grow(capacity));
  }

  /** Person id by handle; undefined for a free handle. */
  get userIdOf(): readonly (string | undefined)[] {
    return this.index.userIdOf;
  }

  /** The person's handle, or -1; never creates one. */
  handleOf(userId: string): number {
    return this.index.handleOf(userId);
  }

  /** The person's handle, interning the id on first sight; the table keeps it until {@link release}. */
  intern(userId: string): number {
    const handle = this.index.intern(userId);
    this.index.tabled[handle] = 1;
    return handle;
  }

  /**
   * Writes one slot from a record or an adapter's reading (the same fields): its time `updatedAtMs`, when it
   * was confirmed, and its fields. Only the rare fields may allocate, and only the first time a slot has any.
   */
  put(handle: number, slot: number, fields: SlotFields, updatedAtMs: number, confirmedAt: number): void {
    // Written out, not through occupy() and setRare(): this runs once per reading and stays small enough to inline.
    const index = handle * SLOTS + slot;
    const bit = 1 << slot;
    this.decisions[handle * DECISION + 1] = 0;
    if ((this.present[handle] & bit) === 0) {
      this.present[handle] |= bit;
      this.entries++;
      if (this.index.tabled[handle] === 0) this.index.tabled[handle] = 1;
    }
    if (fields.expiresAt === undefined) {
      this.expiring[handle] &= ~bit;
      this.expiresAt[index] = NaN;
    } else {
      this.expiring[handle] |= bit;
      this.expiresAt[index] = fields.expiresAt.getTime();
    }
    this.lastSeen[index] = fields.lastSeen === undefined ? NaN : fields.lastSeen.getTime();
    this.confirmedAt[index] = confirmedAt;
    this.updatedAt[index] = updatedAtMs;
    this.status[index] = STATUS_INDEX[fields.status];
    this.rawStatus[index] = fields.rawStatus;
    this.activity[index] = fields.activity;
    const rare = this.rare[index];
    if (rare !== undefined) {
      rare.customMessage = fields.customMessage;
      rare.devices = fields.devices;
      rare.sequence = fields.sequence;
      rare.sequenceScope = fields.sequenceScope;
    } else if (fields.customMessage !== undefined || fields.devices !== undefined || fields.sequence !== undefined || fields.sequenceScope !== undefined) {
      this.rare[index] = { customMessage: fields.customMessage, devices: fields.devices, sequence: fields.sequence, sequenceScope: fields.sequenceScope };
    }
  }

  /**
   * Writes one slot from record `i` of a store's columns (restore at start): times stay numbers, no record
   * or `Date` is made. The caller checked the platform (`slot`) and the status (`statusIndex`); a stored
   * record has no sequence scope, so against a live reading its time decides ({@link isOlder}).
   */
  putStored(handle: number, slot: number, statusIndex: number, records: StoredRecords, i: number): void {
    const index = handle * SLOTS + slot;
    const bit = 1 << slot;
    this.occupy(handle, bit);
    const expiresAt = records.expiresAt[i];
    if (expiresAt === null || expiresAt === undefined) {
      this.expiring[handle] &= ~bit;
      this.expiresAt[index] = NaN;
    } else {
      this.expiring[handle] |= bit;
      this.expiresAt[index] = expiresAt;
    }
    const lastSeen = records.lastSeen[i];
    this.lastSeen[index] = lastSeen === null || lastSeen === undefined ? NaN : lastSeen;
    this.confirmedAt[index] = records.confirmedAt[i];
    this.updatedAt[index] = records.lastUpdated[i];
    this.status[index] = statusIndex;
    this.rawStatus[index] = records.rawStatus?.[i] ?? undefined;
    this.activity[index] = records.activity?.[i] ?? undefined;
    this.setRare(index, records.customMessage?.[i] ?? undefined, records.devices?.[i] ?? undefined, records.sequence[i] ?? undefined, undefined);
  }

  /**
   * Whether a reading is older than the slot's record (out-of-order webhooks, Graph sequence numbers): sequence
   * numbers order readings only within one scope (platforms reset them); across scopes, and against a restored
   * record (no scope), times decide. Call for a filled slot.
   */
  isOlder(index: number, sequence: string | undefined, sequenceScope: string | undefined, atMs: number): boolean {
    const held = this.rare[index];
    if (sequence !== undefined && sequenceScope !== undefined && held !== undefined && held.sequence !== undefined && held.sequenceScope === sequenceScope) {
      return sequence < held.sequence;
    }
    return atMs < this.updatedAt[index];
  }

  /** Whether a reading changes a filled slot by the one change rule ({@link isPresenceChange}), allocating nothing. */
  differs(index: number, reading: ChangeFields): boolean {
    const held = this.held;
    const rare = this.rare[index];
    held.status = PRESENCE_STATUSES[this.status[index]];
    held.activity = this.activity[index];
    held.customMessage = rare?.customMessage;
    held.devices = rare?.devices;
    return isPresenceChange(held, reading);
  }

  /** The slot's record, built now (each call a new object), with `status` in place of the held one if given. */
  record(handle: number, slot: number, status?: PresenceStatus): PresenceData | undefined {
    if ((this.present[handle] & (1 << slot)) === 0) return undefined;
    const index = handle * SLOTS + slot;
    const data: PresenceData = {
      userId: this.index.userIdOf[handle] as string,
      platform: PLATFORMS[slot] as Platform,
      status: status ?? PRESENCE_STATUSES[this.status[index]],
      lastUpdated: new Date(this.updatedAt[index]),
      rawStatus: this.rawStatus[index],
    };
    if (!Number.isNaN(this.lastSeen[index])) data.lastSeen = new Date(this.lastSeen[index]);
    if (this.activity[index] !== undefined) data.activity = this.activity[index];
    const rare = this.rare[index];
    if (rare?.customMessage !== undefined) data.customMessage = rare.customMessage;
    if (rare?.devices !== undefined) data.devices = rare.devices;
    if (!Number.isNaN(this.expiresAt[index])) data.expiresAt = new Date(this.expiresAt[index]);
    if (rare?.sequence !== undefined) data.sequence = rare.sequence;
    if (rare?.sequenceScope !== undefined) data.sequenceScope = rare.sequenceScope;
    return data;
  }

  /** Empties one slot; the person keeps their handle (and what was announced about them). */
  clear(handle: number, slot: number): void {
    const bit = 1 << slot;
    if ((this.present[handle] & bit) === 0) return;
    const index = handle * SLOTS + slot;
    this.decisions[handle * DECISION + 1] = 0;
    this.present[handle] &= ~bit;
    this.expiring[handle] &= ~bit;
    this.rawStatus[index] = undefined;
    this.activity[index] = undefined;
    this.rare[index] = undefined;
    this.entries--;
  }

  /** Forgets a person's readings and announced aggregate; the handle is freed unless the directory links them. */
  release(handle: number): void {
    if (this.index.userIdOf[handle] === undefined) return;
    for (let slot = 0; slot < SLOTS; slot++) this.clear(handle, slot);
    this.decisions[handle * DECISION + 1] = 0;
    this.announced[handle] = 0;
    this.index.tabled[handle] = 0;
    this.index.releaseIfUnused(handle);
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
    for (let handle = 0; handle < this.index.end; handle++) if (this.present[handle] !== 0) yield handle;
  }

  /** Marks the slot filled (and the person kept by the table) and voids the person's kept decision. */
  private occupy(handle: number, bit: number): void {
    this.decisions[handle * DECISION + 1] = 0;
    if ((this.present[handle] & bit) === 0) {
      this.present[handle] |= bit;
      this.entries++;
      if (this.index.tabled[handle] === 0) this.index.tabled[handle] = 1;
    }
  }

  /** Overwrites the slot's rare fields in place; makes their object only the first time one is set. */
  private setRare(index: number, customMessage: string | undefined, devices: DeviceStatuses | undefined, sequence: string | undefined, sequenceScope: string | undefined): void {
    const rare = this.rare[index];
    if (rare !== undefined) {
      rare.customMessage = customMessage;
      rare.devices = devices;
      rare.sequence = sequence;
      rare.sequenceScope = sequenceScope;
    } else if (customMessage !== undefined || devices !== undefined || sequence !== undefined || sequenceScope !== undefined) {
      this.rare[index] = { customMessage, devices, sequence, sequenceScope };
    }
  }

  private grow(capacity: number): void {
    this.present = resized(this.present, capacity);
    this.expiring = resized(this.expiring, capacity);
    this.announced = resized(this.announced, capacity);
    this.decisions = resized(this.decisions, capacity * DECISION);
    this.confirmedAt = resized(this.confirmedAt, capacity * SLOTS);
    this.updatedAt = resized(this.updatedAt, capacity * SLOTS);
    this.lastSeen = resized(this.lastSeen, capacity * SLOTS);
    this.expiresAt = resized(this.expiresAt, capacity * SLOTS);
    this.status = resized(this.status, capacity * SLOTS);
    this.rawStatus = refilled(this.rawStatus, capacity * SLOTS);
    this.activity = refilled(this.activity, capacity * SLOTS);
    this.rare = refilled(this.rare, capacity * SLOTS);
  }
}

/** A packed array of `length` undefined references (no holes: reads stay on the fast path). */
function filled<T>(length: number): (T | undefined)[] {
  return new Array<T | undefined>(length).fill(undefined);
}

function refilled<T>(array: (T | undefined)[], length: number): (T | undefined)[] {
  const out = filled<T>(length);
  for (let i = 0; i < array.length; i++) out[i] = array[i];
  return out;
}

/** What an aggregate listener was last told about a person, in one byte (status and availability). */
export function announcedCode(statusIndex: number, available: boolean): number {
  return 1 + statusIndex + (available ? PRESENCE_STATUSES.length : 0);
}

/** The status an announced code stands for; null for 0 (nothing announced yet). */
export function announcedStatus(code: number): PresenceStatus | null {
  return code === 0 ? null : PRESENCE_STATUSES[(code - 1) % PRESENCE_STATUSES.length];
}
