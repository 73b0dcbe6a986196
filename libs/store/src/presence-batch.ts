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
   * PostgreSQL the flush share-locks the links it relies on, so an unlink that overlaps it either waits for it and
   * deletes what it wrote, or is already deleting the link and the flush leaves that record out.
   */
  linkedOnly?: boolean;
}

// User ids per link lookup: far below both databases' parameter limits.
const LOOKUP_CHUNK = 1000;

// Transactions a flush runs before a deadlock error reaches the caller.
const FLUSH_ATTEMPTS = 3;

/** PostgreSQL's deadlock_detected: this transaction was the one rolled back, and nothing of it committed. */
function isDeadlock(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '40P01';
}

/**
 * PostgreSQL: the links read are share-locked until the flush commits. Under READ COMMITTED a plain read let an
 * unlink (a replaced account, an erasure) commit between it and the upsert, or delete the snapshots before the
 * upsert committed, leaving a snapshot of an account no longer linked. Every identity writer deletes the link
 * before the snapshots, in one transaction, so its DELETE now waits for the flush and its snapshot DELETE, a later
 * statement, sees the committed row. SKIP LOCKED passes over a link a writer is deleting right now (it is going,
 * so is its snapshot): waiting for it could deadlock, since writers lock links in their own order (replaceMany a
 * platform at a time) while the flush holds others. The flush so never waits for a link. SQLite: one writer.
 */
const LINK_LOCK = ' ORDER BY user_id, platform FOR SHARE SKIP LOCKED';

/** The rows whose account is linked now and was linked when the record was confirmed. */
async function linkedRows(manager: EntityManager, rows: SnapshotRow[]): Promise<SnapshotRow[]> {
  const users = [...new Set(rows.map((row) => row.userId))].sort();
  const lock = manager.connection.options.type === 'postgres' ? LINK_LOCK : '';
  const linkedAt = new Map<string, number>();
  for (let start = 0; start < users.length; start += LOOKUP_CHUNK) {
    const sql = `SELECT user_id, platform, linked_at FROM ${qualifiedTable(manager, IdentityLinkEntity)} WHERE user_id IN (:...users)${lock}`;
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
    const write = () =>
      this.context.db.write(async (manager) => ({
        snapshots: await upsertSnapshots(manager, this.options.linkedOnly ? await linkedRows(manager, snapshots) : snapshots),
        auditEntries: await insertAuditRows(manager, audit),
        patternHours: await addPatternTime(manager, patternTime),
      }));
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await write();
        } catch (error) {
          // PostgreSQL rolled the whole transaction back to break a deadlock (another flush or a snapshot delete
          // locking the same rows in another order): running it again writes everything exactly once, at once
          // (the service puts a failed flush's writes back and tries again only after its flush interval).
          if (attempt >= FLUSH_ATTEMPTS || !isDeadlock(error)) throw error;
        }
      }
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
