import type { PatternTimeEntry, PresenceData } from '@amo/presence-core';
import type { EntityManager } from 'typeorm';
import { IdentityLinkEntity } from './entities/identity-link.entity';
import type { SnapshotRow } from './entities/snapshot.entity';
import type { AuditEntryRow } from './entities/audit-entry.entity';
import { type AuditEntry, insertAuditRows, toAuditRow } from './repositories/audit.repository';
import { addPatternTime } from './repositories/pattern.repository';
import { toSnapshotRow, upsertSnapshots } from './repositories/snapshot.repository';
import { qualifiedTable, runSql } from './sql';
import type { StoreContext } from './store-context';

/** What one flush wrote. */
export interface BatchFlushResult {
  snapshots: number;
  auditEntries: number;
  /** Pattern hour rows added to or created (opted-in people only). */
  patternHours: number;
}

export interface BatchOptions {
  /**
   * Write a snapshot only for an account that is linked when the transaction runs and was linked by the time the
   * record was confirmed (what the service wants). Records taken for a flush before an unlink, a replaced account
   * or an erasure committed are then not written back after it: on SQLite, whose writes queue, never; on
   * PostgreSQL unless the two transactions overlap.
   */
  linkedOnly?: boolean;
}

// User ids per link lookup: far below both databases' parameter limits.
const LOOKUP_CHUNK = 1000;

/** The rows whose account is linked now and was linked when the record was confirmed. */
async function linkedRows(manager: EntityManager, rows: SnapshotRow[]): Promise<SnapshotRow[]> {
  const users = [...new Set(rows.map((row) => row.userId))];
  const linkedAt = new Map<string, number>();
  for (let start = 0; start < users.length; start += LOOKUP_CHUNK) {
    const sql = `SELECT user_id, platform, linked_at FROM ${qualifiedTable(manager, IdentityLinkEntity)} WHERE user_id IN (:...users)`;
    const found = await runSql<{ user_id: string; platform: string; linked_at: string | number }[]>(manager, sql, { users: users.slice(start, start + LOOKUP_CHUNK) });
    for (const link of found) linkedAt.set(`${link.user_id}\u0000${link.platform}`, Number(link.linked_at));
  }
  return rows.filter((row) => (linkedAt.get(`${row.userId}\u0000${row.platform}`) ?? Infinity) <= row.confirmedAt);
}

/**
 * Collects one poll's writes (snapshots, audit entries, pattern time) and writes them in a single
 * transaction on `flush()`. A crash mid-flush leaves the previous flush intact and none of this one.
 * Snapshots for the same person and platform coalesce: only the last one is written.
 */
export class PresenceBatchWriter {
  private snapshots = new Map<string, SnapshotRow>();
  private audit: AuditEntryRow[] = [];
  private patternTime: PatternTimeEntry[] = [];

  constructor(
    private readonly context: StoreContext,
    private readonly options: BatchOptions = {},
  ) {}

  snapshot(userId: string, record: PresenceData, confirmedAt: number): this {
    this.snapshots.set(`${userId}\u0000${record.platform}`, toSnapshotRow({ userId, record, confirmedAt }, this.context.storeDetails));
    return this;
  }

  change(entry: AuditEntry): this {
    this.audit.push(toAuditRow(entry));
    return this;
  }

  /** Seconds observed and available in one local hour of an opted-in person, added to what is stored. */
  time(entry: PatternTimeEntry): this {
    this.patternTime.push(entry);
    return this;
  }

  /** Number of writes waiting for the next flush. */
  get pending(): number {
    return this.snapshots.size + this.audit.length + this.patternTime.length;
  }

  /**
   * Writes everything collected so far in one transaction. The buffers are taken before writing, so
   * records added during a flush go to the next one; on failure they are put back and the error rethrown.
   */
  async flush(): Promise<BatchFlushResult> {
    const snapshots = [...this.snapshots.values()];
    const audit = this.audit;
    const patternTime = this.patternTime;
    this.snapshots = new Map();
    this.audit = [];
    this.patternTime = [];
    if (snapshots.length + audit.length + patternTime.length === 0) return { snapshots: 0, auditEntries: 0, patternHours: 0 };
    try {
      return await this.context.db.write(async (manager) => ({
        snapshots: await upsertSnapshots(manager, this.options.linkedOnly ? await linkedRows(manager, snapshots) : snapshots),
        auditEntries: await insertAuditRows(manager, audit),
        patternHours: await addPatternTime(manager, patternTime),
      }));
    } catch (error) {
      for (const row of snapshots) {
        const key = `${row.userId}\u0000${row.platform}`;
        if (!this.snapshots.has(key)) this.snapshots.set(key, row);
      }
      this.audit = [...audit, ...this.audit];
      this.patternTime = [...patternTime, ...this.patternTime];
      throw error;
    }
  }
}
