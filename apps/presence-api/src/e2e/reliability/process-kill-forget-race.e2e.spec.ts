import { DiscordGatewayEmulator } from '@amo/presence-adapter-discord/testing';
import { checkIntegrity, type PresenceBatchWriter, type PresenceStore } from '@amo/presence-store';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PRESENCE_STORE } from '../../store/store.providers';
import { bootService, emulatorEnv, eventually, type RunningService, tempDir } from '../harness.spec-helper';

/**
 * Found by the kill -9 suite (process-kill.e2e.spec.ts): its integrity check after a kill reported "a snapshot of
 * an account no longer linked to the person". A snapshot flush takes the pending records, then waits for the
 * database; a link removed meanwhile (PUT identities, here; opt-out and erasure alike) deletes the stored row and
 * drops what is pending, but the flush already under way wrote the record back after that, and it stayed. Here
 * the flush is held at that point deterministically, on both databases.
 */
const POSTGRES_URL = process.env.PRESENCE_TEST_POSTGRES_URL;
const GUILD = '41771983444115456';
const ANN = '80351110224678912';

describe.each(POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'])('a link removed while a snapshot flush is under way, on %s', (database) => {
  const dir = tempDir();
  const schema = `e2e_forget_${process.pid}_${randomBytes(4).toString('hex')}`;
  let discord: DiscordGatewayEmulator;
  let service: RunningService;
  let store: PresenceStore;

  const admin = async (sql: string): Promise<void> => {
    const connection = new DataSource({ type: 'postgres', url: POSTGRES_URL, poolSize: 1 });
    await connection.initialize();
    await connection.query(sql).finally(() => connection.destroy());
  };

  beforeAll(async () => {
    let env: Record<string, string> = {};
    if (database === 'postgres') {
      await admin(`CREATE SCHEMA "${schema}"`);
      env = { DATABASE_URL: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}` };
    }
    discord = await DiscordGatewayEmulator.start();
    discord.addGuild(GUILD).addMembers(GUILD, [{ id: ANN, status: 'online' }]);
    service = await bootService({ dataDir: dir.path, env: { ...env, ...emulatorEnv.discord(discord, GUILD) } });
    store = service.app.get(PRESENCE_STORE);
  });

  afterAll(async () => {
    await service?.close();
    await discord?.close();
    if (database === 'postgres') await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    dir.remove();
  });

  it('leaves no snapshot of the unlinked account once the flush has written', async () => {
    expect((await service.call('PUT', '/v1/users/ann/identities', { body: { discord: ANN } })).status).toBe(200);
    await eventually(async () => (await store.snapshots.forPerson('ann')).length === 1, 10_000);

    // The next flush stops after it has taken Ann's pending record, before it writes.
    let reached!: () => void;
    const inFlight = new Promise<void>((done) => (reached = done));
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    let written!: Promise<unknown>;
    const createBatch = store.createBatch;
    const spy = jest.spyOn(store, 'createBatch').mockImplementation((options) => {
      const batch: PresenceBatchWriter = createBatch(options);
      const flush = batch.flush.bind(batch);
      batch.flush = () => {
        if (batch.pending === 0) return flush();
        spy.mockRestore();
        reached();
        written = gate.then(flush);
        return written as ReturnType<typeof flush>;
      };
      return batch;
    });
    discord.setUserPresence(ANN, 'dnd');
    await inFlight;

    expect((await service.call('PUT', '/v1/users/ann/identities', { body: {} })).status).toBe(200);
    expect(await store.snapshots.forPerson('ann')).toEqual([]);
    release();
    await written;

    await eventually(async () => (await store.snapshots.forPerson('ann')).length === 0, 5_000);
    expect((await checkIntegrity(store.dataSource)).problems).toEqual([]);
  });
});
