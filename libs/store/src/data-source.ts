import type * as Sqlite3 from 'sqlite3';
import { DataSource, type DataSourceOptions, MigrationExecutor } from 'typeorm';
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
 * sqlite3 as TypeORM's `driver`, with `verbose()` answering the module as it is. TypeORM calls `verbose()` on the
 * driver it loads, which wraps every statement call to capture a stack and `util.inspect` its arguments (a batch's
 * thousands of parameters included): 5% of the service's time at 1,000 webhooks a second, for a longer stack
 * trace on a failed statement. Loaded only for an SQLite store (sqlite3 is an optional peer); when it is not
 * installed, TypeORM's own load fails with its message naming the package.
 */
function quietSqlite3(): object | undefined {
  let sqlite3: typeof Sqlite3;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sqlite3 = require('sqlite3') as typeof Sqlite3;
  } catch {
    return undefined;
  }
  const quiet = { ...sqlite3, verbose: (): object => quiet };
  return quiet;
}

/**
 * Builds (does not connect) a TypeORM DataSource with the store's entities and migrations; the schema is never
 * synchronized from the entities. Migrations run in {@link initializeDataSource} (SQLite: on `initialize()`;
 * PostgreSQL: after it, under a lock shared by every instance).
 */
export function createDataSource(config: DatabaseConfig): DataSource {
  const common = {
    entities: STORE_ENTITIES,
    migrations: STORE_MIGRATIONS,
    // PostgreSQL's run waits for the migration lock first (see migrateUnderLock), so initialize() must not run them.
    migrationsRun: config.type === 'sqlite',
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
      driver: quietSqlite3(),
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
 * schema and runs the migrations under the migration lock (see {@link migrateUnderLock}).
 */
export async function initializeDataSource(dataSource: DataSource, config: DatabaseConfig): Promise<DataSource> {
  await dataSource.initialize();
  if (config.type === 'sqlite') {
    await applySqlitePragmas(dataSource, config.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    return dataSource;
  }
  try {
    await migrateUnderLock(dataSource, config.schema);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** The advisory lock's first key (ASCII "PRES"); the second is a hash of the schema, so clusters on other schemas never wait. */
const MIGRATION_LOCK_CLASS = 0x50524553;

/**
 * Runs pending PostgreSQL migrations on one session that holds `pg_advisory_lock` for the whole run, schema
 * creation included (`CREATE SCHEMA IF NOT EXISTS` and the migrations table are not safe to race either).
 * Instances that start at the same moment queue on the lock, then find every migration applied and run none.
 * The lock is released after the run (or with the session, if the process dies holding it).
 */
async function migrateUnderLock(dataSource: DataSource, schema: string | undefined): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const lockArgs = [MIGRATION_LOCK_CLASS, schema ?? null];
  try {
    await runner.query('SELECT pg_advisory_lock($1, hashtext(coalesce($2::text, current_schema())))', lockArgs);
    try {
      if (schema) await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'all';
      await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1, hashtext(coalesce($2::text, current_schema())))', lockArgs);
    }
  } finally {
    await runner.release();
  }
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
