import { DiscordGatewayEmulator } from '@amo/presence-adapter-discord/testing';
import type { DataSource } from 'typeorm';
import { bootService, captureOutput, emulatorEnv, eventually, type RunningService, tempDir } from '../e2e/harness.spec-helper';
import { type KillDatabase, killDatabase, openReader, readPresenceRows } from '../e2e/reliability/process-kill.spec-helper';

/**
 * A snapshot flush whose transaction fails (here its PostgreSQL connection is killed, as a failover or an
 * administrator would) lost what it had taken: the batch was dropped, so the audit rows and snapshots of those
 * changes never reached the database, and nothing tried again until the next change. Now they are written by the
 * next flush, armed at once; but nothing about a person erased while the failing flush was under way may come
 * back with them.
 */
const POSTGRES_URL = process.env.PRESENCE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const GUILD = '41771983444115456';
const ANN = '80351110224678912';
const BOB = '80351110224678913';

describe('a snapshot flush that fails on PostgreSQL', () => {
  const dir = tempDir();
  let database: KillDatabase;
  let discord: DiscordGatewayEmulator;
  let service: RunningService;
  let db: DataSource;

  beforeAll(async () => {
    database = await killDatabase('postgres', dir.path, POSTGRES_URL);
    discord = await DiscordGatewayEmulator.start();
    discord.addGuild(GUILD).addMembers(GUILD, [
      { id: ANN, status: 'online' },
      { id: BOB, status: 'online' },
    ]);
    // Half a second from a change to its flush, so that two changes sent together are written together; it is
    // also how soon a failed flush is tried again.
    service = await bootService({ dataDir: dir.path, env: { ...database.env, ...emulatorEnv.discord(discord, GUILD) }, tuning: { snapshotFlushMs: 500 } });
    db = await openReader(database);
  });

  afterAll(async () => {
    await service?.close();
    await db?.destroy();
    await discord?.close();
    await database?.drop();
    dir.remove();
  });

  it('is written again by the next flush, without what an erasure during it dropped', async () => {
    const rows = () => readPresenceRows(db);
    /** The backends waiting for a lock that `pid` holds. */
    const waitingFor = async (pid: number): Promise<number[]> =>
      ((await db.query('SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid])) as { pid: number }[]).map((row) => row.pid);

    expect((await service.call('PUT', '/v1/users/ann/identities', { body: { discord: ANN } })).status).toBe(200);
    expect((await service.call('PUT', '/v1/users/bob/identities', { body: { discord: BOB } })).status).toBe(200);
    await eventually(async () => (await rows()).snapshots.length === 2, 10_000);

    // Ann's stored snapshot is locked, so the flush that writes her next change waits at its upsert. (Not a table
    // lock on the audit log: the erasure below deletes from it too, and must not wait for this lock.)
    const locker = db.createQueryRunner();
    await locker.connect();
    const output = captureOutput();
    try {
      await locker.startTransaction();
      await locker.query(`SELECT 1 FROM presence_snapshot WHERE user_id = 'ann' FOR UPDATE`);
      const [{ pid: lockerPid }] = (await locker.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];

      discord.setUserPresence(ANN, 'dnd');
      discord.setUserPresence(BOB, 'dnd');
      const [flushPid] = await eventually(async () => {
        const waiting = await waitingFor(lockerPid);
        return waiting.length > 0 ? waiting : undefined;
      }, 10_000);

      // Bob is erased while that flush is under way. It has share-locked his link (it writes his snapshot too), so
      // the erasure's transaction waits for it: seeing it wait proves his change is in the flush.
      let erasureDone = false;
      const erased = service.call('DELETE', '/v1/users/bob').finally(() => (erasureDone = true));
      await eventually(async () => {
        if (erasureDone) throw new Error("the erasure did not wait for the flush: Bob's change is not in it");
        return (await waitingFor(flushPid)).length > 0;
      }, 10_000);

      // The flush fails for real: its connection is gone. The erasure then goes through.
      await db.query('SELECT pg_terminate_backend($1)', [flushPid]);
      expect((await erased).status).toBe(204);
      await eventually(() => /snapshot flush failed/.test(output.text()), 10_000);
    } finally {
      // Released only now: any later flush writes after the erasure has committed.
      if (locker.isTransactionActive) await locker.rollbackTransaction();
      await locker.release();
      output.restore();
    }

    // No new change comes: the failed flush is armed again by itself.
    const after = await eventually(async () => {
      const now = await rows();
      return now.audit.some((row) => row.userId === 'ann' && row.to === 'busy') ? now : undefined;
    }, 10_000);
    expect(after.audit.filter((row) => row.userId === 'ann').map((row) => [row.from, row.to])).toEqual([
      [null, 'online'],
      ['online', 'busy'],
    ]);
    expect(after.snapshots.filter((row) => row.userId === 'ann')).toMatchObject([{ platform: 'discord', status: 'busy' }]);
    // Nothing of Bob's came back: the erasure deleted what was stored, and what the failed flush held was dropped.
    expect(after.audit.filter((row) => row.userId === 'bob')).toEqual([]);
    expect(after.snapshots.filter((row) => row.userId === 'bob')).toEqual([]);
  });
});
