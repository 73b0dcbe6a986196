import { type DeviceStatuses, isValidId, type Platform, type PresenceData, type PresenceStatus } from '@amo/presence-core';
import type { EntityManager } from 'typeorm';
import { SnapshotEntity, type SnapshotRow } from '../entities/snapshot.entity';
import { qualifiedTable, runSql } from '../sql';
import { type StoreContext, toDate, toMs } from '../store-context';

/** The last record for one person and platform, with when a platform last confirmed it. */
export interface SnapshotEntry {
  userId: string;
  record: PresenceData;
  /** Epoch ms; restored as is, so the record's real age (and the TTL) still counts after a restart. */
  confirmedAt: number;
}

/** Anything with core's `PresenceAggregator.restore` signature. */
export interface SnapshotRestoreTarget {
  restore(userId: string, record: PresenceData, confirmedAt: number): void;
}

// Rows per INSERT: 12 columns x 200 stays far below SQLite's and PostgreSQL's parameter limits.
const CHUNK = 200;

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
const RAW_COLUMNS =
  'user_id, platform, status, last_seen, last_updated, confirmed_at, expires_at, sequence, raw_status, activity, custom_message, devices';

interface RawSnapshotRow {
  user_id: string;
  platform: string;
  status: string;
  last_seen: string | number | null;
  last_updated: string | number;
  confirmed_at: string | number;
  expires_at: string | number | null;
  sequence: string | null;
  raw_status: string | null;
  activity: string | null;
  custom_message: string | null;
  devices: string | null;
}

/** Builds the entry straight from the raw row: 600,000 of these at start, so no intermediate objects. */
function fromRaw(raw: RawSnapshotRow): SnapshotEntry {
  const record: PresenceData = {
    userId: raw.user_id,
    platform: raw.platform as Platform,
    status: raw.status as PresenceStatus,
    lastUpdated: new Date(Number(raw.last_updated)),
  };
  if (raw.last_seen !== null) record.lastSeen = new Date(Number(raw.last_seen));
  if (raw.expires_at !== null) record.expiresAt = new Date(Number(raw.expires_at));
  if (raw.sequence !== null) record.sequence = raw.sequence;
  if (raw.raw_status !== null) record.rawStatus = raw.raw_status;
  if (raw.activity !== null) record.activity = raw.activity;
  if (raw.custom_message !== null) record.customMessage = raw.custom_message;
  if (raw.devices !== null) record.devices = JSON.parse(raw.devices) as DeviceStatuses;
  return { userId: raw.user_id, record, confirmedAt: Number(raw.confirmed_at) };
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

/** Upserts rows in chunks inside the caller's transaction; a batch naming one key twice keeps the last. */
export async function upsertSnapshots(manager: EntityManager, rows: SnapshotRow[]): Promise<number> {
  const unique = [...new Map(rows.map((row) => [`${row.userId}\u0000${row.platform}`, row])).values()];
  for (let start = 0; start < unique.length; start += CHUNK) {
    await manager.upsert(SnapshotEntity, unique.slice(start, start + CHUNK), ['userId', 'platform']);
  }
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
   * Loads every record into the aggregator (`aggregator.restore`), a page at a time. Returns how many; rows whose
   * user id breaks core's id rule (stored by an older version) are skipped.
   */
  async restoreInto(target: SnapshotRestoreTarget): Promise<number> {
    let count = 0;
    for await (const page of this.pages()) {
      for (const entry of page) {
        // Rows an older version stored before ids were checked for control characters stay out of memory.
        if (!isValidId(entry.userId)) continue;
        target.restore(entry.userId, entry.record, entry.confirmedAt);
        count++;
      }
    }
    return count;
  }

  /**
   * Keyset pages in (user_id, platform) order, read as raw rows: TypeORM's entity hydration costs more than
   * the query itself at start-up sizes (600,000 rows for 100,000 people on six platforms).
   */
  async *pages(pageSize = LOAD_PAGE): AsyncGenerator<SnapshotEntry[]> {
    let after: { userId: string; platform: string } | undefined;
    for (;;) {
      const cursor = after;
      const rows = await this.context.db.read((manager) => {
        // A row-value comparison walks the primary key (SQLite and PostgreSQL); the equivalent OR scanned the table.
        const where = cursor ? 'WHERE (user_id, platform) > (:userId, :platform) ' : '';
        const sql = `SELECT ${RAW_COLUMNS} FROM ${qualifiedTable(manager, SnapshotEntity)} ${where}ORDER BY user_id, platform LIMIT ${pageSize}`;
        return runSql<RawSnapshotRow[]>(manager, sql, cursor ?? {});
      });
      if (rows.length === 0) return;
      const page = rows.map(fromRaw);
      yield page;
      if (rows.length < pageSize) return;
      after = { userId: rows[rows.length - 1].user_id, platform: rows[rows.length - 1].platform };
    }
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
