import { InvalidInputError, type Platform, type PresenceStatus, validateId } from '@amo/presence-core';
import { type EntityManager, LessThan } from 'typeorm';
import { AuditEntryEntity, type AuditEntryRow } from '../entities/audit-entry.entity';
import { decodeCursor, type Page, type PageRequest, pageSize, toPage } from '../paging';
import { insertRows } from '../sql';
import type { StoreContext } from '../store-context';

/** One status change: who, where, from what, to what, when. No message text, ever. */
export interface AuditEntry {
  userId: string;
  platform: Platform;
  /** Null for the first record seen for this person and platform. */
  from: PresenceStatus | null;
  to: PresenceStatus;
  at: Date;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export interface AuditQuery extends PageRequest {
  userId?: string;
  since?: Date;
}

/** `PRESENCE_AUDIT_RETENTION_DAYS` default. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 7;
const DAY_MS = 86_400_000;
const AUDIT_COLUMNS = ['user_id', 'platform', 'from_status', 'to_status', 'at'];
const CURSOR_KIND = 'audit';

function toRecord(row: AuditEntryRow): AuditRecord {
  return {
    id: row.id as number,
    userId: row.userId,
    platform: row.platform as Platform,
    from: row.fromStatus as PresenceStatus | null,
    to: row.toStatus as PresenceStatus,
    at: new Date(row.at),
  };
}

export function toAuditRow(entry: AuditEntry): AuditEntryRow {
  return { userId: entry.userId, platform: entry.platform, fromStatus: entry.from, toStatus: entry.to, at: entry.at.getTime() };
}

/** Inserts rows in chunks inside the caller's transaction. */
export async function insertAuditRows(manager: EntityManager, rows: AuditEntryRow[]): Promise<number> {
  await insertRows(manager, AuditEntryEntity, AUDIT_COLUMNS, rows.map((row) => [row.userId, row.platform, row.fromStatus, row.toStatus, row.at]));
  return rows.length;
}

/** The change log, newest first, kept for a retention period that `purge` enforces. */
export class AuditRepository {
  constructor(private readonly context: StoreContext) {}

  async record(entries: readonly AuditEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const rows = entries.map(toAuditRow);
    return this.context.db.write((manager) => insertAuditRows(manager, rows));
  }

  /** Newest first; filter by person and/or time; page with `nextCursor`. */
  async list(query: AuditQuery = {}): Promise<Page<AuditRecord>> {
    const limit = pageSize(query.limit);
    if (query.userId !== undefined) validateId(query.userId, 'userId');
    const rows = await this.context.db.read((manager) => {
      const builder = manager.createQueryBuilder(AuditEntryEntity, 'audit').orderBy('audit.id', 'DESC').limit(limit + 1);
      if (query.userId !== undefined) builder.andWhere('audit.userId = :userId', { userId: query.userId });
      if (query.since !== undefined) {
        if (!(query.since instanceof Date) || Number.isNaN(query.since.getTime())) {
          throw new InvalidInputError('since must be a valid date');
        }
        builder.andWhere('audit.at >= :since', { since: query.since.getTime() });
      }
      if (query.cursor !== undefined) {
        builder.andWhere('audit.id < :before', { before: decodeCursor<number>(CURSOR_KIND, query.cursor, 'number') });
      }
      return builder.getMany();
    });
    return toPage(rows, limit, toRecord, (row) => row.id as number, CURSOR_KIND);
  }

  /** Deletes entries older than the retention period; the service schedules this. Returns how many. */
  async purge(retentionDays: number = DEFAULT_AUDIT_RETENTION_DAYS): Promise<number> {
    if (!Number.isFinite(retentionDays) || retentionDays < 0) throw new InvalidInputError('retentionDays must be >= 0');
    const cutoff = this.context.clock.now() - retentionDays * DAY_MS;
    const result = await this.context.db.write((manager) => manager.delete(AuditEntryEntity, { at: LessThan(cutoff) }));
    return result.affected ?? 0;
  }

  async count(userId?: string): Promise<number> {
    if (userId !== undefined) validateId(userId, 'userId');
    return this.context.db.read((manager) => manager.count(AuditEntryEntity, userId === undefined ? {} : { where: { userId } }));
  }
}
