import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../data-source';
import { openStore, type PresenceStore, type StoreOptions } from '../open-store';

/** A clock tests move by hand. */
export class TestClock {
  constructor(public ms = Date.UTC(2025, 0, 6, 9, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const TEST_KEY = Buffer.alloc(32, 7).toString('base64');
export const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');

/** A fresh, empty database: a temp SQLite file, or a new PostgreSQL schema dropped afterwards. */
export interface TestDatabase {
  config: DatabaseConfig;
  cleanup(): Promise<void>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  createDatabase(): Promise<TestDatabase>;
}

const sqliteBackend: Backend = {
  name: 'sqlite',
  async createDatabase() {
    const dir = mkdtempSync(join(tmpdir(), 'presence-store-'));
    return {
      config: { type: 'sqlite', path: join(dir, 'presence.db') },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

function postgresBackend(url: string): Backend {
  return {
    name: 'postgres',
    async createDatabase() {
      const schema = `store_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      return {
        config: { type: 'postgres', url, schema, poolSize: 4 },
        cleanup: async () => {
          const admin = new DataSource({ type: 'postgres', url, poolSize: 1 });
          await admin.initialize();
          try {
            await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          } finally {
            await admin.destroy();
          }
        },
      };
    },
  };
}

/** SQLite always; PostgreSQL too when the spec passes `PRESENCE_TEST_POSTGRES_URL`. */
export function backends(postgresUrl: string | undefined): Backend[] {
  return postgresUrl ? [sqliteBackend, postgresBackend(postgresUrl)] : [sqliteBackend];
}

export interface OpenedTestStore {
  store: PresenceStore;
  database: TestDatabase;
  clock: TestClock;
  close(): Promise<void>;
}

/** Opens a store on a fresh database with a test clock and key; `close()` also drops the database. */
export async function openTestStore(backend: Backend, options: Partial<StoreOptions> = {}): Promise<OpenedTestStore> {
  const database = await backend.createDatabase();
  const clock = new TestClock();
  const store = await openStore({ database: database.config, encryptionKey: TEST_KEY, clock, ...options });
  return {
    store,
    database,
    clock,
    close: async () => {
      await store.close();
      await database.cleanup();
    },
  };
}
