import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource, type DatabaseConfig, initializeDataSource, MIGRATIONS_TABLE } from './data-source';
import { STORE_MIGRATIONS } from './migrations';

const postgresUrl = process.env.PRESENCE_TEST_POSTGRES_URL;

/** PostgreSQL only: SQLite has one writer per file and nothing to race. */
(postgresUrl ? describe : describe.skip)('migrations under a lock (PostgreSQL)', () => {
  const url = postgresUrl as string;
  const schema = `store_lock_${process.pid}_${randomBytes(4).toString('hex')}`;
  const config: DatabaseConfig = { type: 'postgres', url, schema, poolSize: 2 };

  afterAll(async () => {
    const admin = new DataSource({ type: 'postgres', url, poolSize: 1 });
    await admin.initialize();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await admin.destroy();
    }
  });

  it('lets instances that start at the same moment on a fresh schema all succeed, each migration applied once', async () => {
    const sources = [createDataSource(config), createDataSource(config), createDataSource(config)];
    try {
      const results = await Promise.allSettled(sources.map((source) => initializeDataSource(source, config)));
      expect(results.map((result) => (result.status === 'rejected' ? String(result.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
      const applied: { name: string }[] = await sources[0].query(`SELECT name FROM "${schema}"."${MIGRATIONS_TABLE}" ORDER BY id`);
      expect(applied.map((row) => row.name)).toEqual(STORE_MIGRATIONS.map((migration) => migration.name));
      // Every instance sees the schema complete: nothing pending for any of them.
      for (const source of sources) expect(await source.showMigrations()).toBe(false);
      // The lock is released once start-up is over: a session of its own takes it at once (the lock is
      // re-entrant, so asking on a pooled connection that held it would prove nothing).
      const other = new DataSource({ type: 'postgres', url, poolSize: 1 });
      await other.initialize();
      try {
        const [{ taken }] = await other.query(`SELECT pg_try_advisory_lock(${0x50524553}, hashtext($1)) AS taken`, [schema]);
        expect(taken).toBe(true);
      } finally {
        await other.destroy();
      }
    } finally {
      await Promise.all(sources.filter((source) => source.isInitialized).map((source) => source.destroy()));
    }
  });
});
