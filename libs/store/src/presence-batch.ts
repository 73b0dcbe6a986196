import type { PatternTimeEntry, PresenceData } from '@amo/presence-core';
import type { SnapshotRow } from './entities/snapshot.entity';
import type { AuditEntryRow } from './entities/audit-entry.entity';
import { type AuditEntry, insertAuditRows, toAuditRow } from './repositories/audit.repository';
import { addPatternTime } from './repositories/pattern.repository';
import { toSnapshotRow, upsertSnapshots } from './repositories/snapshot.repository';
import type { StoreContext } from './store-context';

/** What one flush wrote. */
export interface BatchFlushResult {
  snapshots: number;
  auditEntries: number;
  /** Pattern hour rows added to or created (opted-in people only). */
  patternHours: number;
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

  constructor(private readonly context: StoreContext) {}

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
        snapshots: await upsertSnapshots(manager, snapshots),
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
