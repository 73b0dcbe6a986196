import { EntitySchema } from 'typeorm';
import { platformColumn, timeColumn } from './columns';

/** A row of `platform_connection`: one per platform; credentials only as a vault envelope. */
export interface ConnectionRow {
  platform: string;
  kind: string;
  credentials: string;
  state: string;
  lastError: string | null;
  tokenExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export const ConnectionEntity = new EntitySchema<ConnectionRow>({
  name: 'ConnectionRow',
  tableName: 'platform_connection',
  columns: {
    platform: platformColumn(true),
    kind: { name: 'kind', type: 'varchar', length: 16 },
    credentials: { name: 'credentials', type: 'text' },
    state: { name: 'state', type: 'varchar', length: 16 },
    lastError: { name: 'last_error', type: 'varchar', length: 1000, nullable: true },
    tokenExpiresAt: timeColumn('token_expires_at', true),
    createdAt: timeColumn('created_at'),
    updatedAt: timeColumn('updated_at'),
  },
});
