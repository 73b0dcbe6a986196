import { createDataSource, DEFAULT_BUSY_TIMEOUT_MS, initializeDataSource } from './data-source';
import { STORE_MIGRATIONS } from './migrations';
import { openStore } from './open-store';
import { backends, openTestStore, TEST_KEY } from './test-support/store.test-helpers';

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('migrations on $name', (backend) => {
  it('runs from empty and leaves a schema identical to the entities', async () => {
    const opened = await openTestStore(backend);
    try {
      const pending = await opened.store.dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});

describe('SQLite settings and concurrency', () => {
  const [sqlite] = backends(undefined);

  it('never turns on sqlite3\'s verbose tracing', async () => {
    // TypeORM calls sqlite3's verbose() unless handed a driver. It wraps every Database and Statement call to capture
    // a stack and util.inspect the arguments (a 1,000-row batch's parameters included): 5% of the service's time at
    // 1,000 webhooks a second. The wrapping is process-wide (the native classes' prototypes), so the spy on the
    // module is what tells this store's part: any other data source in the process could have turned it on.
    // The module object itself (an import would give a copy of its bindings, which a spy cannot replace).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sqlite3 = require('sqlite3') as { verbose(): unknown };
    const verbose = jest.spyOn(sqlite3, 'verbose');
    const opened = await openTestStore(sqlite);
    try {
      expect(await opened.store.dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expect(verbose).not.toHaveBeenCalled();
    } finally {
      verbose.mockRestore();
      await opened.close();
    }
  });

  it('runs in WAL mode with a busy timeout', async () => {
    const opened = await openTestStore(sqlite);
    try {
      const { dataSource } = opened.store;
      expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await dataSource.query('PRAGMA busy_timeout')).toEqual([{ timeout: DEFAULT_BUSY_TIMEOUT_MS }]);
      expect(await dataSource.query('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
    } finally {
      await opened.close();
    }
  });

  it('reads through a query-only connection that neither waits for a write nor sees it half-done', async () => {
    const opened = await openTestStore(sqlite);
    try {
      const { store } = opened;
      const batch = store.createBatch();
      for (let i = 0; i < 3000; i++) {
        batch.snapshot(`p${i}`, { userId: `p${i}`, platform: 'slack', status: 'online', lastUpdated: new Date(1) }, 1);
      }
      const order: string[] = [];
      const flushing = batch.flush().then(() => order.push('flush'));
      const counting = store.snapshots.count().then((count) => order.push(`count ${count}`));
      await Promise.all([flushing, counting]);
      expect(order).toEqual(['count 0', 'flush']);
      expect(await store.snapshots.count()).toBe(3000);
      expect(await store.personData.export('p1')).toMatchObject({ snapshots: [{ platform: 'slack' }] });
    } finally {
      await opened.close();
    }
  });

  it('lets a second connection read and write while a batch is being written', async () => {
    const opened = await openTestStore(sqlite);
    const other = await openStore({ database: opened.database.config, encryptionKey: TEST_KEY });
    try {
      const batch = opened.store.createBatch();
      for (let i = 0; i < 3000; i++) {
        batch.snapshot(`p${i}`, { userId: `p${i}`, platform: 'slack', status: 'online', lastUpdated: new Date(1) }, 1);
        batch.change({ userId: `p${i}`, platform: 'slack', from: null, to: 'online', at: new Date(1) });
      }
      const writing = batch.flush();
      const others = Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          await other.identities.link(`reader-${i}`, 'slack', `R${i}`);
          return other.snapshots.count();
        }),
      );
      const [flushed, counts] = await Promise.all([writing, others]);
      expect(flushed).toEqual({ snapshots: 3000, auditEntries: 3000, patternHours: 0 });
      // Readers see either nothing of the batch or all of it, never part.
      for (const count of counts) expect([0, 3000]).toContain(count);
      expect(await other.snapshots.count()).toBe(3000);
    } finally {
      await other.close();
      await opened.close();
    }
  });
});

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('migrations down on $name', (backend) => {
  it('reverts to an empty database', async () => {
    const database = await backend.createDatabase();
    const dataSource = await initializeDataSource(createDataSource(database.config), database.config);
    try {
      expect(await dataSource.showMigrations()).toBe(false);
      for (let undone = 0; undone < STORE_MIGRATIONS.length; undone++) await dataSource.undoLastMigration();
      const runner = dataSource.createQueryRunner();
      try {
        for (const table of ['identity_link', 'audit_log', 'platform_connection', 'outbound_event']) expect(await runner.hasTable(table)).toBe(false);
      } finally {
        await runner.release();
      }
      expect(await dataSource.showMigrations()).toBe(true);
    } finally {
      await dataSource.destroy();
      await database.cleanup();
    }
  });
});
