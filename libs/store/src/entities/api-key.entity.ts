import { EntitySchema } from 'typeorm';
import { timeColumn } from './columns';

/** A row of `api_key`: the SHA-256 of the key, never the key. */
export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: string[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export const ApiKeyEntity = new EntitySchema<ApiKeyRow>({
  name: 'ApiKeyRow',
  tableName: 'api_key',
  columns: {
    id: { name: 'id', type: 'varchar', length: 36, primary: true },
    name: { name: 'name', type: 'varchar', length: 128 },
    prefix: { name: 'prefix', type: 'varchar', length: 16 },
    hash: { name: 'hash', type: 'varchar', length: 64 },
    scopes: { name: 'scopes', type: 'simple-json' },
    createdAt: timeColumn('created_at'),
    lastUsedAt: timeColumn('last_used_at', true),
    revokedAt: timeColumn('revoked_at', true),
  },
  indices: [{ name: 'UQ_api_key_hash', columns: ['hash'], unique: true }],
});
