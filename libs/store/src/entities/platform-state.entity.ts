import { EntitySchema } from 'typeorm';
import { platformColumn, timeColumn } from './columns';

/** A row of `platform_state`: resumable push state (Graph subscriptions, Discord sessions), keyed per platform. */
export interface PlatformStateRow {
  platform: string;
  key: string;
  value: unknown;
  /** A vault envelope for the secret part (Graph clientState), or null. */
  secret: string | null;
  expiresAt: number | null;
  updatedAt: number;
}

export const PlatformStateEntity = new EntitySchema<PlatformStateRow>({
  name: 'PlatformStateRow',
  tableName: 'platform_state',
  columns: {
    platform: platformColumn(true),
    key: { name: 'state_key', type: 'varchar', length: 256, primary: true },
    value: { name: 'value', type: 'simple-json' },
    secret: { name: 'secret', type: 'text', nullable: true },
    expiresAt: timeColumn('expires_at', true),
    updatedAt: timeColumn('updated_at'),
  },
});
