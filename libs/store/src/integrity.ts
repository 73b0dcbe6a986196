import { PLATFORMS, PRESENCE_STATUSES } from '@amo/presence-core';
import type { DataSource, EntitySchema, ObjectLiteral } from 'typeorm';
import { MIGRATIONS_TABLE } from './data-source';
import {
  ApiKeyEntity,
  AuditEntryEntity,
  ConnectionEntity,
  IdentityLinkEntity,
  OutboundEventEntity,
  PlatformStateEntity,
  PreferencesEntity,
  SnapshotEntity,
  STORE_ENTITIES,
} from './entities';
import { STORE_MIGRATIONS } from './migrations';
import { qualifiedTable } from './sql';

/** What {@link checkIntegrity} found. `ok` is true when `problems` is empty. */
export interface IntegrityReport {
  ok: boolean;
  database: 'sqlite' | 'postgres';
  /** Rows per table; every row of every table was read to count them. */
  rows: Record<string, number>;
  /** One sentence per problem, naming the table; empty when the database is sound. */
  problems: string[];
}

type Entity = EntitySchema<ObjectLiteral>;

const quoted = (values: readonly string[]): string => values.map((value) => `'${value}'`).join(', ');
const STATUSES = quoted(PRESENCE_STATUSES);
const PLATFORM_NAMES = quoted(PLATFORMS);
// The vault's envelope: v1.<key id>.<iv>.<tag>.<ciphertext>.
const SEALED = `'v1.%.%.%.%'`;

/** Rows that no code path of the store writes: each is a sign of a torn or foreign write. */
const ROW_RULES: { entity: Entity; what: string; where: string }[] = [
  { entity: SnapshotEntity, what: 'a status outside the vocabulary', where: `status NOT IN (${STATUSES})` },
  { entity: SnapshotEntity, what: 'an unknown platform', where: `platform NOT IN (${PLATFORM_NAMES})` },
  { entity: AuditEntryEntity, what: 'a status outside the vocabulary', where: `to_status NOT IN (${STATUSES}) OR from_status NOT IN (${STATUSES})` },
  { entity: IdentityLinkEntity, what: 'an unknown platform', where: `platform NOT IN (${PLATFORM_NAMES})` },
  { entity: ConnectionEntity, what: 'credentials that are not a vault envelope', where: `credentials NOT LIKE ${SEALED}` },
  { entity: PlatformStateEntity, what: 'a secret that is not a vault envelope', where: `secret IS NOT NULL AND secret NOT LIKE ${SEALED}` },
  { entity: ApiKeyEntity, what: 'a hash that is not a SHA-256', where: 'length(hash) <> 64' },
  { entity: OutboundEventEntity, what: 'an unknown state', where: `state NOT IN ('pending', 'dropped')` },
];

/** Text columns the store writes as JSON; a torn value would make the service fail when it reads the row. */
const JSON_COLUMNS: [Entity, string][] = [
  [PlatformStateEntity, 'value'],
  [ApiKeyEntity, 'scopes'],
  [PreferencesEntity, 'opted_out_platforms'],
  [PreferencesEntity, 'preferred_platforms'],
  [SnapshotEntity, 'devices'],
  [OutboundEventEntity, 'body'],
];

/**
 * Checks a store's database after a crash, a restore from backup or a manual edit, reading only:
 *
 * - the engine: SQLite's `PRAGMA integrity_check` and `PRAGMA foreign_key_check`; on PostgreSQL every
 *   constraint validated and every index of the store's schema valid, ready and live;
 * - the schema: every migration of this version applied and none unknown, every table present and every row of
 *   it readable (on PostgreSQL each row is read whole, TOASTed values included);
 * - the rows: statuses and platforms from the vocabulary, sealed values in the vault's envelope, JSON columns
 *   parseable, and no presence snapshot without the identity link it belongs to (replacing a link, erasure and
 *   opt-out delete those snapshots in the same transaction).
 *
 * Run it on a database the service is not writing to (stopped, or a copy): `dataSource` is any initialized
 * DataSource on it, such as `store.dataSource` or `initializeDataSource(createDataSource(config), config)`.
 * Problems are reported, never thrown, so one broken table does not hide the others.
 */
export async function checkIntegrity(dataSource: DataSource): Promise<IntegrityReport> {
  const database = dataSource.options.type === 'sqlite' ? 'sqlite' : 'postgres';
  const problems: string[] = [];
  const rows: Record<string, number> = {};
  const attempt = async (what: string, check: () => Promise<void>): Promise<void> => {
    try {
      await check();
    } catch (error) {
      problems.push(`${what}: ${(error as Error).message}`);
    }
  };
  const query = <T>(sql: string, parameters?: unknown[]): Promise<T[]> => dataSource.query(sql, parameters);
  const table = (entity: Entity): string => qualifiedTable(dataSource.manager, entity);
  const tableName = (entity: Entity): string => dataSource.getMetadata(entity).tableName;
  const count = async (sql: string): Promise<number> => Number((await query<{ n: string | number }>(sql))[0]?.n ?? 0);

  if (database === 'sqlite') {
    await attempt('integrity_check', async () => {
      for (const row of await query<{ integrity_check: string }>('PRAGMA integrity_check')) {
        if (row.integrity_check !== 'ok') problems.push(`integrity_check: ${row.integrity_check}`);
      }
    });
    await attempt('foreign_key_check', async () => {
      for (const row of await query<{ table: string; rowid: number; parent: string }>('PRAGMA foreign_key_check')) {
        problems.push(`foreign_key_check: ${row.table} row ${row.rowid} has no parent in ${row.parent}`);
      }
    });
  } else {
    await attempt('constraints', async () => {
      const schema = await postgresSchema(dataSource);
      const invalid = await query<{ name: string; tbl: string }>(
        `SELECT c.conname AS name, c.conrelid::regclass::text AS tbl FROM pg_constraint c
           JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND NOT c.convalidated`,
        [schema],
      );
      for (const row of invalid) problems.push(`constraint ${row.name} on ${row.tbl} is not validated`);
      const indexes = await query<{ name: string }>(
        `SELECT i.indexrelid::regclass::text AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND NOT (i.indisvalid AND i.indisready AND i.indislive)`,
        [schema],
      );
      for (const row of indexes) problems.push(`index ${row.name} is not valid (an interrupted build): rebuild it with REINDEX`);
    });
  }

  await attempt(MIGRATIONS_TABLE, async () => {
    const applied = (await query<{ name: string }>(`SELECT name FROM ${migrationsTable(dataSource)} ORDER BY id`)).map((row) => row.name);
    const known = STORE_MIGRATIONS.map((migration) => new migration().name ?? migration.name);
    const missing = known.filter((name) => !applied.includes(name));
    const unknown = applied.filter((name) => !known.includes(name));
    if (missing.length > 0) problems.push(`${MIGRATIONS_TABLE}: not applied: ${missing.join(', ')}`);
    if (unknown.length > 0) problems.push(`${MIGRATIONS_TABLE}: applied by a newer version: ${unknown.join(', ')}`);
  });

  for (const entity of STORE_ENTITIES as Entity[]) {
    // PostgreSQL: the row as text reads every column of every row (TOASTed values too), not only the visibility map.
    const sql = database === 'postgres' ? `SELECT count(*) AS n, sum(length(t::text)) AS bytes FROM ${table(entity)} AS t` : `SELECT count(*) AS n FROM ${table(entity)}`;
    await attempt(tableName(entity), async () => {
      rows[tableName(entity)] = await count(sql);
    });
  }

  for (const rule of ROW_RULES) {
    await attempt(tableName(rule.entity), async () => {
      const bad = await count(`SELECT count(*) AS n FROM ${table(rule.entity)} WHERE ${rule.where}`);
      if (bad > 0) problems.push(`${tableName(rule.entity)}: ${bad} row(s) with ${rule.what}`);
    });
  }

  for (const [entity, column] of JSON_COLUMNS) {
    const where = database === 'sqlite' ? `NOT json_valid(${column})` : `(${column})::json IS NULL`;
    // PostgreSQL 15 has no json_valid: the cast fails on the first bad value, which is the problem reported.
    await attempt(`${tableName(entity)}.${column} is not JSON`, async () => {
      const bad = await count(`SELECT count(*) AS n FROM ${table(entity)} WHERE ${column} IS NOT NULL AND ${where}`);
      if (bad > 0) problems.push(`${tableName(entity)}.${column}: ${bad} value(s) that are not JSON`);
    });
  }

  await attempt(tableName(SnapshotEntity), async () => {
    const orphans = await count(
      `SELECT count(*) AS n FROM ${table(SnapshotEntity)} s WHERE NOT EXISTS
         (SELECT 1 FROM ${table(IdentityLinkEntity)} l WHERE l.user_id = s.user_id AND l.platform = s.platform)`,
    );
    if (orphans > 0) problems.push(`${tableName(SnapshotEntity)}: ${orphans} snapshot(s) of an account no longer linked to the person`);
  });

  return { ok: problems.length === 0, database, rows, problems };
}

async function postgresSchema(dataSource: DataSource): Promise<string> {
  const configured = (dataSource.options as { schema?: string }).schema;
  if (configured) return configured;
  const [row] = (await dataSource.query('SELECT current_schema() AS name')) as { name: string }[];
  return row.name;
}

function migrationsTable(dataSource: DataSource): string {
  const { driver } = dataSource;
  const schema = (dataSource.options as { schema?: string }).schema;
  return [schema, MIGRATIONS_TABLE].filter((part): part is string => Boolean(part)).map((part) => driver.escape(part)).join('.');
}
