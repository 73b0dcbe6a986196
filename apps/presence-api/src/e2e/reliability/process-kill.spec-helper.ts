import { createDataSource, type DatabaseConfig, STORE_ENTITIES } from '@amo/presence-store';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DataSource } from 'typeorm';

/**
 * Pieces of the kill -9 e2e: the database the service runs on (a temp SQLite file, or a fresh PostgreSQL schema
 * dropped afterwards), the service as a real child process, and reads of what the database holds.
 */

/** Where one run keeps its data, and how the service and the test reach it. */
export interface KillDatabase {
  name: 'sqlite' | 'postgres';
  /** What the service is started with. */
  env: Record<string, string>;
  /** The same database for the store's own functions (openStore, createDataSource). */
  config: DatabaseConfig;
  drop(): Promise<void>;
}

export async function killDatabase(name: 'sqlite' | 'postgres', dataDir: string, postgresUrl?: string): Promise<KillDatabase> {
  if (name === 'sqlite') {
    const path = join(dataDir, 'presence.sqlite');
    return { name, env: { PRESENCE_DB_PATH: path }, config: { type: 'sqlite', path }, drop: async () => undefined };
  }
  if (!postgresUrl) throw new Error('PostgreSQL needs PRESENCE_TEST_POSTGRES_URL');
  const schema = `e2e_kill_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(postgresUrl, `CREATE SCHEMA "${schema}"`);
  // The service's own DATABASE_URL, pointed at the fresh schema by the connection's search_path.
  const url = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    name,
    env: { DATABASE_URL: url },
    config: { type: 'postgres', url, poolSize: 2 },
    drop: () => adminQuery(postgresUrl, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const admin = new DataSource({ type: 'postgres', url, poolSize: 1 });
  await admin.initialize();
  try {
    await admin.query(sql);
  } finally {
    await admin.destroy();
  }
}

/**
 * A connection that only reads, safe beside the running service: no migrations, and on SQLite `query_only`
 * (WAL lets it read committed rows while the service writes).
 */
export async function openReader(database: KillDatabase): Promise<DataSource> {
  const options = createDataSource(database.config).options;
  const reader = new DataSource({ ...options, migrationsRun: false, entities: STORE_ENTITIES } as typeof options);
  await reader.initialize();
  if (database.name === 'sqlite') await reader.query('PRAGMA query_only = ON');
  return reader;
}

export interface AuditRow {
  id: number;
  userId: string;
  platform: string;
  from: string | null;
  to: string;
}

export interface SnapshotRow {
  userId: string;
  platform: string;
  status: string;
  lastUpdated: number;
  confirmedAt: number;
}

/** The audit log and the snapshot as committed now. */
export async function readPresenceRows(reader: DataSource): Promise<{ audit: AuditRow[]; snapshots: SnapshotRow[] }> {
  const audit = (await reader.query('SELECT id, user_id, platform, from_status, to_status FROM audit_log ORDER BY id')) as Record<string, unknown>[];
  const snapshots = (await reader.query('SELECT user_id, platform, status, last_updated, confirmed_at FROM presence_snapshot')) as Record<string, unknown>[];
  return {
    audit: audit.map((row) => ({ id: Number(row.id), userId: String(row.user_id), platform: String(row.platform), from: row.from_status === null ? null : String(row.from_status), to: String(row.to_status) })),
    snapshots: snapshots.map((row) => ({
      userId: String(row.user_id),
      platform: String(row.platform),
      status: String(row.status),
      lastUpdated: Number(row.last_updated),
      confirmedAt: Number(row.confirmed_at),
    })),
  };
}

/**
 * The audit log per person and platform must be one unbroken chain (each change starts where the last one ended,
 * across restarts too), and the snapshot must be where the chain ends: the two are written in one transaction,
 * so a torn flush shows as a break or a mismatch. `restartable` people may start a new chain (from null): their
 * links were removed and made again, and a forgotten record has no previous status. Returns the problems found.
 */
export function chainProblems(audit: readonly AuditRow[], snapshots: readonly SnapshotRow[], restartable: (userId: string) => boolean = () => false): string[] {
  const problems: string[] = [];
  const last = new Map<string, string>();
  for (const row of audit) {
    const key = `${row.userId}/${row.platform}`;
    const previous = last.get(key);
    const restarted = row.from === null && restartable(row.userId);
    if (previous !== undefined && row.from !== previous && !restarted) problems.push(`audit ${row.id} ${key}: from ${row.from}, but the last change ended at ${previous}`);
    if (previous === undefined && row.from !== null) problems.push(`audit ${row.id} ${key}: the first change starts from ${row.from}`);
    last.set(key, row.to);
  }
  for (const snapshot of snapshots) {
    const key = `${snapshot.userId}/${snapshot.platform}`;
    const ended = last.get(key);
    if (ended === undefined) problems.push(`snapshot ${key} is ${snapshot.status}, with no change in the audit log`);
    else if (ended !== snapshot.status) problems.push(`snapshot ${key} is ${snapshot.status}, the audit log ends at ${ended}`);
  }
  return problems;
}
