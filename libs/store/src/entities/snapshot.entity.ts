import { EntitySchema } from 'typeorm';
import { idColumn, platformColumn, timeColumn } from './columns';

/** A row of `presence_snapshot`: the last record per person and platform. Detail columns stay null unless enabled. */
export interface SnapshotRow {
  userId: string;
  platform: string;
  status: string;
  lastSeen: number | null;
  lastUpdated: number;
  confirmedAt: number;
  expiresAt: number | null;
  sequence: string | null;
  rawStatus: string | null;
  activity: string | null;
  customMessage: string | null;
  devices: Record<string, string> | null;
}

export const SnapshotEntity = new EntitySchema<SnapshotRow>({
  name: 'SnapshotRow',
  tableName: 'presence_snapshot',
  columns: {
    userId: idColumn('user_id', true),
    platform: platformColumn(true),
    status: { name: 'status', type: 'varchar', length: 16 },
    lastSeen: timeColumn('last_seen', true),
    lastUpdated: timeColumn('last_updated'),
    confirmedAt: timeColumn('confirmed_at'),
    expiresAt: timeColumn('expires_at', true),
    sequence: { name: 'sequence', type: 'varchar', length: 64, nullable: true },
    rawStatus: { name: 'raw_status', type: 'varchar', length: 128, nullable: true },
    activity: { name: 'activity', type: 'varchar', length: 512, nullable: true },
    customMessage: { name: 'custom_message', type: 'varchar', length: 512, nullable: true },
    devices: { name: 'devices', type: 'simple-json', nullable: true },
  },
});
