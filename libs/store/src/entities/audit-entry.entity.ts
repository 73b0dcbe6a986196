import { EntitySchema } from 'typeorm';
import { idColumn, platformColumn, timeColumn } from './columns';

/** A row of `audit_log`: one status change. No message text, by design. */
export interface AuditEntryRow {
  id?: number;
  userId: string;
  platform: string;
  fromStatus: string | null;
  toStatus: string;
  at: number;
}

export const AuditEntryEntity = new EntitySchema<AuditEntryRow>({
  name: 'AuditEntryRow',
  tableName: 'audit_log',
  columns: {
    id: { name: 'id', type: 'integer', primary: true, generated: 'increment' },
    userId: idColumn('user_id'),
    platform: platformColumn(),
    fromStatus: { name: 'from_status', type: 'varchar', length: 16, nullable: true },
    toStatus: { name: 'to_status', type: 'varchar', length: 16 },
    at: timeColumn('at'),
  },
  indices: [
    { name: 'IDX_audit_log_user', columns: ['userId', 'id'] },
    { name: 'IDX_audit_log_at', columns: ['at'] },
  ],
});
