import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AuditEntryEntity } from './entities/audit-entry.entity';
import { SnapshotEntity } from './entities/snapshot.entity';
import { openStore } from './open-store';
import { backends, TEST_KEY, type TestDatabase } from './test-support/store.test-helpers';

const PEOPLE = 600;
const STOP_IN_BATCH = 4;

/** Starts the writer and resolves once it reports being stopped mid-transaction; returns what it committed. */
function runUntilMidBatch(child: ChildProcess): Promise<string[]> {
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    if (!child.stdout) throw new Error('no stdout');
    const reader = createInterface({ input: child.stdout });
    reader.on('line', (line) => {
      lines.push(line);
      if (line.startsWith('mid ')) resolve(lines);
      if (line.startsWith('error ')) reject(new Error(line));
    });
    child.on('exit', (code) => reject(new Error(`writer exited (${code}) before the batch: ${lines.join(', ')}`)));
  });
}

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('a writer killed mid-batch on $name', (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await backend.createDatabase();
  });
  afterAll(async () => {
    await database.cleanup();
  });

  it('leaves the last committed batch and nothing of the one in flight', async () => {
    const child = spawn(
      process.execPath,
      [join(__dirname, 'test-support', 'crash-writer.child.js'), JSON.stringify(database.config), String(STOP_IN_BATCH), String(PEOPLE)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const lines = await runUntilMidBatch(child);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(lines).toEqual(['open', 'commit 1', 'commit 2', 'commit 3', 'mid 4']);

    const store = await openStore({ database: database.config, encryptionKey: TEST_KEY });
    try {
      const { manager } = store.dataSource;
      if (database.config.type === 'sqlite') {
        expect(await store.dataSource.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      }
      const snapshots = await manager.find(SnapshotEntity);
      expect(snapshots).toHaveLength(PEOPLE);
      expect(new Set(snapshots.map((row) => row.confirmedAt))).toEqual(new Set([3]));
      expect(new Set(snapshots.map((row) => row.status))).toEqual(new Set(['online']));
      expect(await manager.count(AuditEntryEntity)).toBe(3 * PEOPLE);
      // The store is usable afterwards: the next batch commits normally.
      const next = store.createBatch();
      next.snapshot('p00000', { userId: 'p00000', platform: 'slack', status: 'busy', lastUpdated: new Date(5) }, 5);
      expect(await next.flush()).toMatchObject({ snapshots: 1 });
    } finally {
      await store.close();
    }
  }, 20_000);
});
