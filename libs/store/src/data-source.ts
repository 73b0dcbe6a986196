import { DataSource, type DataSourceOptions } from 'typeorm';
import { STORE_ENTITIES } from './entities';
import { STORE_MIGRATIONS } from './migrations';

/** Where the store lives: an SQLite file (the embedded default) or a PostgreSQL database. */
export type DatabaseConfig =
  | {
      type: 'sqlite';
      /** File path, e.g. `./data/presence.db`; its folder must exist. */
      path: string;
      /** How long a writer waits for a lock before SQLITE_BUSY (default 5000 ms). */
      busyTimeoutMs?: number;
    }
  | {
      type: 'postgres';
      /** `postgres://user:password@host:5432/db`. */
      url: string;
      /** Schema for every table, created if missing (default `public`). */
      schema?: string;
      /** Pool size (default 10). */
      poolSize?: number;
    };

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
export const MIGRATIONS_TABLE = 'store_migrations';

/**
 * Builds (does not connect) a TypeORM DataSource with the store's entities and migrations.
 * Migrations run on `initialize()`; the schema is never synchronized from the entities.
 */
export function createDataSource(config: DatabaseConfig): DataSource {
  const common = {
    entities: STORE_ENTITIES,
    migrations: STORE_MIGRATIONS,
    migrationsRun: true,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'all' as const,
    synchronize: false,
    // Query logging would print parameters, and parameters include ciphertexts and key hashes.
    logging: false,
  };
  if (config.type === 'sqlite') {
    const options: DataSourceOptions = {
      ...common,
      type: 'sqlite',
      database: config.path,
      enableWAL: true,
      busyTimeout: config.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    };
    return new DataSource(options);
  }
  return new DataSource({
    ...common,
    type: 'postgres',
    url: config.url,
    schema: config.schema,
    poolSize: config.poolSize ?? 10,
  });
}

/**
 * Connects and migrates. For SQLite it also confirms the journal is WAL and sets the busy timeout
 * and `synchronous = NORMAL` (safe against a killed process in WAL mode). For PostgreSQL it creates the
 * schema first, since migrations cannot create the schema they live in.
 */
export async function initializeDataSource(dataSource: DataSource, config: DatabaseConfig): Promise<DataSource> {
  if (config.type === 'postgres' && config.schema) {
    // Connect without running migrations, create the schema, then migrate.
    const bootstrap = new DataSource({ type: 'postgres', url: config.url, poolSize: 1, logging: false });
    await bootstrap.initialize();
    try {
      await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema.replace(/"/g, '""')}"`);
    } finally {
      await bootstrap.destroy();
    }
  }
  await dataSource.initialize();
  if (config.type === 'sqlite') await applySqlitePragmas(dataSource, config.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  return dataSource;
}

/**
 * A second SQLite connection for reads, opened after the writer has migrated. `query_only` makes any write
 * through it an error, so it can never take the write lock or hold up the writer.
 */
export async function openSqliteReader(writer: DataSource, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): Promise<DataSource> {
  const reader = new DataSource({ ...writer.options, migrationsRun: false } as DataSourceOptions);
  await reader.initialize();
  await reader.query(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  await reader.query('PRAGMA query_only = ON');
  return reader;
}

/** PRAGMAs set after connecting; exported so tests can read them back. */
export async function applySqlitePragmas(dataSource: DataSource, busyTimeoutMs: number): Promise<void> {
  await dataSource.query('PRAGMA journal_mode = WAL');
  await dataSource.query(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  await dataSource.query('PRAGMA synchronous = NORMAL');
  await dataSource.query('PRAGMA foreign_keys = ON');
}
