import type { DeviceStatuses, Platform, PresenceData, PresenceStatus, StoredRecords } from '@amo/presence-core';
import type { EntityManager } from 'typeorm';
import { SnapshotEntity, type SnapshotRow } from '../entities/snapshot.entity';
import { type ColumnPage, columnPages } from '../column-pages';
import { insertRows } from '../sql';
import { type StoreContext, toDate, toMs } from '../store-context';

/** The last record for one person and platform, with when a platform last confirmed it. */
export interface SnapshotEntry {
  userId: string;
  record: PresenceData;
  /** Epoch ms; restored as is, so the record's real age (and the TTL) still counts after a restart. */
  confirmedAt: number;
}

/** Anything with core's `PresenceAggregator.restoreRecords` signature. */
export interface SnapshotRestoreTarget {
  restoreRecords(records: StoredRecords): number;
}

function clip(value: string | undefined, length: number): string | null {
  return value === undefined ? null : value.slice(0, length);
}

/** Builds the row; detail fields (raw status, activity, message, devices) only when the store is told to keep them. */
export function toSnapshotRow(entry: SnapshotEntry, storeDetails: boolean): SnapshotRow {
  const { record } = entry;
  return {
    userId: entry.userId,
    platform: record.platform,
    status: record.status,
    lastSeen: toMs(record.lastSeen),
    lastUpdated: record.lastUpdated.getTime(),
    confirmedAt: entry.confirmedAt,
    expiresAt: toMs(record.expiresAt),
    sequence: clip(record.sequence, 64),
    rawStatus: storeDetails ? clip(record.rawStatus, 128) : null,
    activity: storeDetails ? clip(record.activity, 512) : null,
    customMessage: storeDetails ? clip(record.customMessage, 512) : null,
    devices: storeDetails && record.devices ? (record.devices as Record<string, string>) : null,
  };
}

const LOAD_PAGE = 10_000;
/** The columns restore reads, in {@link StoredRecords} order. */
const RECORD_COLUMNS = ['user_id', 'platform', 'status', 'last_updated', 'confirmed_at', 'last_seen', 'expires_at', 'sequence', 'raw_status', 'activity', 'custom_message', 'devices'];

/** A page of columns as core's StoredRecords; devices (stored as JSON text) parsed in place, where there are any. */
function toStoredRecords(page: ColumnPage): StoredRecords {
  const [userId, platform, status, lastUpdated, confirmedAt, lastSeen, expiresAt, sequence, rawStatus, activity, customMessage, devices] = page;
  for (let i = 0; i < devices.length; i++) if (typeof devices[i] === 'string') devices[i] = JSON.parse(devices[i] as string);
  return { userId, platform, status, lastUpdated, confirmedAt, lastSeen, expiresAt, sequence, rawStatus, activity, customMessage, devices } as StoredRecords;
}

/** Record i of a page as a snapshot entry (for `load` and `pages`; restore takes the columns as they are). */
function entryAt(records: StoredRecords, i: number): SnapshotEntry {
  const userId = records.userId[i];
  const record: PresenceData = { userId, platform: records.platform[i] as Platform, status: records.status[i] as PresenceStatus, lastUpdated: new Date(records.lastUpdated[i]) };
  const optional: Partial<PresenceData> = {
    lastSeen: toDate(records.lastSeen[i]),
    expiresAt: toDate(records.expiresAt[i]),
    sequence: records.sequence[i] ?? undefined,
    rawStatus: records.rawStatus?.[i] ?? undefined,
    activity: records.activity?.[i] ?? undefined,
    customMessage: records.customMessage?.[i] ?? undefined,
    devices: records.devices?.[i] ?? undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(record, { [key]: value });
  return { userId, record, confirmedAt: records.confirmedAt[i] };
}

function toEntry(row: SnapshotRow): SnapshotEntry {
  const record: PresenceData = {
    userId: row.userId,
    platform: row.platform as Platform,
    status: row.status as PresenceStatus,
    lastUpdated: new Date(row.lastUpdated),
  };
  const optional: Partial<PresenceData> = {
    lastSeen: toDate(row.lastSeen),
    expiresAt: toDate(row.expiresAt),
    sequence: row.sequence ?? undefined,
    rawStatus: row.rawStatus ?? undefined,
    activity: row.activity ?? undefined,
    customMessage: row.customMessage ?? undefined,
    devices: (row.devices as DeviceStatuses | null) ?? undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(record, { [key]: value });
  return { userId: row.userId, record, confirmedAt: row.confirmedAt };
}

const ROW_COLUMNS = ['user_id', 'platform', 'status', 'last_seen', 'last_updated', 'confirmed_at', 'expires_at', 'sequence', 'raw_status', 'activity', 'custom_message', 'devices'];

/** Upserts rows inside the caller's transaction; a batch naming one key twice keeps the last. */
export async function upsertSnapshots(manager: EntityManager, rows: SnapshotRow[]): Promise<number> {
  const unique = [...new Map(rows.map((row) => [`${row.userId}\u0000${row.platform}`, row])).values()];
  const values = unique.map((row) => [
    row.userId,
    row.platform,
    row.status,
    row.lastSeen,
    row.lastUpdated,
    row.confirmedAt,
    row.expiresAt,
    row.sequence,
    row.rawStatus,
    row.activity,
    row.customMessage,
    // The column is TypeORM's simple-json: JSON text.
    row.devices === null ? null : JSON.stringify(row.devices),
  ]);
  await insertRows(manager, SnapshotEntity, ROW_COLUMNS, values, ['user_id', 'platform']);
  return unique.length;
}

/**
 * The last presence record per person and platform, status and timestamps only unless `storeDetails`.
 * Written in batches (one transaction per poll), read back at start into the cache.
 */
export class SnapshotRepository {
  constructor(private readonly context: StoreContext) {}

  /** Upserts every entry in one transaction: after a crash either the whole batch is there or none of it. */
  async saveBatch(entries: readonly SnapshotEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const rows = entries.map((entry) => toSnapshotRow(entry, this.context.storeDetails));
    return this.context.db.write((manager) => upsertSnapshots(manager, rows));
  }

  /** Every stored record with its real `confirmedAt`. */
  async load(): Promise<SnapshotEntry[]> {
    const entries: SnapshotEntry[] = [];
    for await (const page of this.pages()) entries.push(...page);
    return entries;
  }

  /**
   * Loads every record into the aggregator (`aggregator.restoreRecords`), a page of columns at a time: no
   * entry, record or `Date` per row. Returns how many were loaded; rows whose user id breaks core's id rule
   * (stored by an older version) are left out by core.
   */
  async restoreInto(target: SnapshotRestoreTarget): Promise<number> {
    let count = 0;
    for await (const page of this.recordPages()) count += target.restoreRecords(page);
    return count;
  }

  /** Keyset pages in (user_id, platform) order, as entries. */
  async *pages(pageSize = LOAD_PAGE): AsyncGenerator<SnapshotEntry[]> {
    for await (const records of this.recordPages(pageSize)) {
      const page: SnapshotEntry[] = [];
      for (let i = 0; i < records.userId.length; i++) page.push(entryAt(records, i));
      yield page;
    }
  }

  /** Keyset pages of stored records as columns (core's StoredRecords), the form restore takes. */
  async *recordPages(pageSize = LOAD_PAGE): AsyncGenerator<StoredRecords> {
    for await (const page of columnPages(this.context.db, SnapshotEntity, RECORD_COLUMNS, pageSize)) yield toStoredRecords(page);
  }

  async forPerson(userId: string): Promise<SnapshotEntry[]> {
    const rows = await this.context.db.read((manager) =>
      manager.find(SnapshotEntity, { where: { userId }, order: { platform: 'ASC' } }),
    );
    return rows.map(toEntry);
  }

  /** Removes one platform's record, or all of a person's (opt-out). */
  async delete(userId: string, platform?: Platform): Promise<number> {
    const where = platform === undefined ? { userId } : { userId, platform };
    const result = await this.context.db.write((manager) => manager.delete(SnapshotEntity, where));
    return result.affected ?? 0;
  }

  async count(): Promise<number> {
    return this.context.db.read((manager) => manager.count(SnapshotEntity));
  }
}
