import type { PresenceData } from '@amo/presence-core';
import { DataSource, type QueryRunner } from 'typeorm';
import { AuditEntryEntity } from './entities/audit-entry.entity';
import { IdentityLinkEntity } from './entities/identity-link.entity';
import { SnapshotEntity } from './entities/snapshot.entity';
import { checkIntegrity } from './integrity';
import type { PresenceStore } from './open-store';
import { qualifiedTable } from './sql';
import { type Backend, backends, openTestStore, type OpenedTestStore } from './test-support/store.test-helpers';

/**
 * The service's flush (`linkedOnly`) against a link removed while it runs, on PostgreSQL (READ COMMITTED, a pool:
 * the two transactions really overlap; SQLite's writes queue, so it has no such window). The interleavings are
 * made with row locks a third connection holds, and each step waits, by polling pg_stat_activity, until the
 * backend it needs is blocked where it should be: no sleeps.
 */
const postgres = backends(process.env.PRESENCE_TEST_POSTGRES_URL).find((backend) => backend.name === 'postgres');

const record = (userId: string, platform: PresenceData['platform'] = 'slack'): PresenceData => ({ userId, platform, status: 'online', lastUpdated: new Date(1) });

/** Polls until `probe` answers something (at most 10 s). */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A promise whose settling can be checked without awaiting it (and whose rejection is never unhandled). */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { promise, settled: () => settled };
}

(postgres ? describe : describe.skip)('PresenceBatchWriter linkedOnly racing an unlink on postgres', () => {
  let opened: OpenedTestStore;
  let admin: DataSource;
  let holder: QueryRunner;
  let second: QueryRunner;

  /** The backend waiting on a lock `pid` holds, if any. */
  const blockedBy = async (pid: number): Promise<number | undefined> => {
    const rows: { pid: number }[] = await admin.query('SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
    return rows[0]?.pid;
  };

  beforeEach(async () => {
    opened = await openTestStore(postgres as Backend);
    admin = new DataSource({ type: 'postgres', url: process.env.PRESENCE_TEST_POSTGRES_URL, poolSize: 3 });
    await admin.initialize();
    holder = admin.createQueryRunner();
    await holder.connect();
    second = admin.createQueryRunner();
    await second.connect();
  });

  afterEach(async () => {
    for (const runner of [holder, second]) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    await admin.destroy();
    await opened.close();
  });

  const unlinks: [string, (store: PresenceStore) => Promise<unknown>][] = [
    ['replace (PUT identities without the account)', (store) => store.identities.replace('gone', {})],
    ['replace with another account', (store) => store.identities.replace('gone', { slack: 'U-someone-else' })],
    ['replaceMany', (store) => store.identities.replaceMany([{ userId: 'gone', identities: {} }])],
    ['erase', (store) => store.personData.erase('gone')],
  ];

  it.each(unlinks)('an unlink by %s after the flush read the link waits for it, then removes the snapshot it wrote', async (_name, unlink) => {
    const { store, clock } = opened;
    await store.identities.link('kept', 'slack', 'U-kept');
    await store.identities.link('gone', 'slack', 'U-gone');
    const batch = store.createBatch({ linkedOnly: true });
    batch.snapshot('kept', record('kept'), clock.now()).snapshot('gone', record('gone'), clock.now());
    clock.advance(1000);

    // Another transaction's uncommitted row with the same key: the flush's upsert waits there, after linkedRows read
    // the link and before anything of the flush commits.
    await holder.startTransaction();
    const [{ pid: holderPid }] = await holder.query('SELECT pg_backend_pid() AS pid');
    await holder.query(
      `INSERT INTO ${qualifiedTable(store.dataSource.manager, SnapshotEntity)} (user_id, platform, status, last_updated, confirmed_at) VALUES ('gone', 'slack', 'offline', 1, 1)`,
    );
    const flush = track(batch.flush());
    const flushPid = await until('the flush to wait at its upsert', () => blockedBy(holderPid));

    // The unlink runs now: it either commits at once (the flush then writes the snapshot after it, an orphan) or
    // waits for the flush.
    const unlinked = track(unlink(store));
    await until('the unlink to commit or wait for the flush', async () => (unlinked.settled() ? true : await blockedBy(flushPid)));

    await holder.rollbackTransaction();
    expect(await flush.promise).toEqual({ snapshots: 2, auditEntries: 0, patternHours: 0 });
    await unlinked.promise;

    expect((await checkIntegrity(store.dataSource)).problems).toEqual([]);
    expect((await store.snapshots.load()).map((entry) => entry.userId)).toEqual(['kept']);
  });

  it('does not wait for an identity writer that holds a link it is removing (no deadlock), and leaves no orphan', async () => {
    const { store, clock } = opened;
    await store.identities.link('a', 'slack', 'U-a');
    await store.identities.link('b', 'zoom', 'Z-b');

    // replaceMany deletes links a platform at a time: zoom (b's) first, then slack (a's), which a share lock held
    // here makes it wait for. It now holds b's link and wants a's: the opposite of the flush's (user, platform)
    // order. A flush that waited for b's link while holding a's would deadlock with it.
    await holder.startTransaction();
    const [{ pid: holderPid }] = await holder.query('SELECT pg_backend_pid() AS pid');
    await holder.query(`SELECT 1 FROM ${qualifiedTable(store.dataSource.manager, IdentityLinkEntity)} WHERE user_id = 'a' AND platform = 'slack' FOR SHARE`);
    const writer = track(
      store.identities.replaceMany([
        { userId: 'b', identities: {} },
        { userId: 'a', identities: {} },
      ]),
    );
    const writerPid = await until('the batch to wait for a’s link', () => blockedBy(holderPid));

    const batch = store.createBatch({ linkedOnly: true });
    batch.snapshot('a', record('a'), clock.now()).snapshot('b', record('b', 'zoom'), clock.now());
    batch.change({ userId: 'a', platform: 'slack', from: null, to: 'online', at: new Date(1) });
    const flush = track(batch.flush());
    try {
      const outcome = await until('the flush to commit or wait for the batch', async () => (flush.settled() ? 'committed' : (await blockedBy(writerPid)) && 'waited'));
      expect(outcome).toBe('committed');
      // b's link, which the batch is deleting, is skipped; a's is written, and deleted by the batch after.
      expect(await flush.promise).toEqual({ snapshots: 1, auditEntries: 1, patternHours: 0 });
    } finally {
      await holder.rollbackTransaction();
      await Promise.allSettled([writer.promise, flush.promise]);
    }
    await writer.promise;

    expect(await store.snapshots.load()).toEqual([]);
    expect(await store.identities.all()).toEqual([]);
    expect((await checkIntegrity(store.dataSource)).problems).toEqual([]);
  });

  it('runs its transaction again when PostgreSQL rolls it back to break a deadlock, writing everything once', async () => {
    const { store, clock } = opened;
    for (const [userId, platform] of [['a', 'zoom'], ['a', 'slack'], ['b', 'slack']] as const) await store.identities.link(userId, platform, `${platform}-${userId}`);
    await store.snapshots.saveBatch([
      { userId: 'a', record: record('a', 'zoom'), confirmedAt: 1 },
      { userId: 'a', record: record('a'), confirmedAt: 1 },
      { userId: 'b', record: record('b'), confirmedAt: 1 },
    ]);
    const snapshots = qualifiedTable(store.dataSource.manager, SnapshotEntity);
    const confirmedAt = clock.now();
    const batch = store.createBatch({ linkedOnly: true });
    batch.snapshot('a', record('a', 'zoom'), confirmedAt).snapshot('a', record('a'), confirmedAt).snapshot('b', record('b'), confirmedAt);
    batch.change({ userId: 'a', platform: 'slack', from: null, to: 'online', at: new Date(1) });

    // Another writer of snapshot rows (another instance's flush) takes b's and will want a's zoom row: the opposite
    // of this flush's order. It waits first and with a long deadlock_timeout, so the flush, waiting last, is the
    // one PostgreSQL's check (after its default 1 s) rolls back. A third lock holds the flush between its rows.
    await second.startTransaction();
    const [{ pid: pausePid }] = await second.query('SELECT pg_backend_pid() AS pid');
    await second.query(`SELECT 1 FROM ${snapshots} WHERE user_id = 'a' AND platform = 'slack' FOR UPDATE`);
    await holder.startTransaction();
    await holder.query(`SET LOCAL deadlock_timeout = '60s'`);
    await holder.query(`UPDATE ${snapshots} SET status = 'away' WHERE user_id = 'b' AND platform = 'slack'`);

    const flush = track(batch.flush());
    const flushPid = await until('the flush to hold a’s zoom row and wait for a’s slack row', () => blockedBy(pausePid));
    const other = track(holder.query(`UPDATE ${snapshots} SET status = 'away' WHERE user_id = 'a' AND platform = 'zoom'`));
    await until('the other writer to wait for the flush', () => blockedBy(flushPid));
    // The flush now wants b's row: a deadlock, which rolls the flush back and lets the other writer through.
    await second.rollbackTransaction();
    await other.promise;
    await holder.commitTransaction();

    expect(await flush.promise).toEqual({ snapshots: 3, auditEntries: 1, patternHours: 0 });
    const stored = (await store.snapshots.load()).map((entry) => [entry.userId, entry.record.platform, entry.record.status, entry.confirmedAt]);
    expect(stored.sort()).toEqual([
      ['a', 'slack', 'online', confirmedAt],
      ['a', 'zoom', 'online', confirmedAt],
      ['b', 'slack', 'online', confirmedAt],
    ]);
    expect(await store.dataSource.manager.count(AuditEntryEntity)).toBe(1);
  }, 30_000);
});
