import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { DataSource, type EntitySchema, type ObjectLiteral } from 'typeorm';
import {
  ApiKeyEntity,
  ConnectionEntity,
  PlatformStateEntity,
  SnapshotEntity,
  STORE_ENTITIES,
} from './entities';
import { checkIntegrity } from './integrity';
import type { PresenceStore } from './open-store';
import { qualifiedTable } from './sql';
import { backends, type OpenedTestStore, openTestStore } from './test-support/store.test-helpers';

/** One of everything the service stores, written through the repositories as the service writes it. */
async function fill(store: PresenceStore): Promise<void> {
  await store.connections.save({ platform: 'slack', kind: 'app', credentials: { botToken: 'xoxb-1' } });
  await store.platformState.set('discord', 'session', { sessionId: 's1', sequence: 42 }, { sealed: true });
  await store.apiKeys.create({ name: 'reader', scopes: ['read'] });
  await store.outbound.enqueue([{ eventId: '00000000-0000-4000-8000-000000000001', orderKey: 'person:p0', userId: 'p0', type: 'presence', body: '{"a":1}' }]);
  const batch = store.createBatch();
  for (let i = 0; i < 3; i++) {
    await store.identities.link(`p${i}`, 'slack', `U${i}`);
    await store.preferences.save(`p${i}`, { consent: true, preferredPlatforms: ['slack'] });
    batch.snapshot(`p${i}`, { userId: `p${i}`, platform: 'slack', status: 'online', lastUpdated: new Date(1) }, 1);
    batch.change({ userId: `p${i}`, platform: 'slack', from: null, to: 'online', at: new Date(1) });
  }
  await batch.flush();
}

const table = (store: PresenceStore, entity: EntitySchema<ObjectLiteral>): string => qualifiedTable(store.dataSource.manager, entity);

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('checkIntegrity on $name', (backend) => {
  let opened: OpenedTestStore;
  let store: PresenceStore;

  beforeEach(async () => {
    opened = await openTestStore(backend);
    store = opened.store;
    await fill(store);
  });

  afterEach(async () => {
    await opened.close();
  });

  it('passes a database the store wrote, reading every table', async () => {
    const report = await checkIntegrity(store.dataSource);
    expect(report).toEqual({ ok: true, database: backend.name, rows: expect.any(Object), problems: [] });
    expect(Object.keys(report.rows).sort()).toEqual(STORE_ENTITIES.map((entity) => store.dataSource.getMetadata(entity).tableName).sort());
    expect(report.rows).toMatchObject({ identity_link: 3, presence_snapshot: 3, audit_log: 3, api_key: 1, platform_connection: 1, platform_state: 1, outbound_event: 1 });
  });

  // Each damage is one a torn or foreign write could leave; the store itself never writes any of them.
  it.each([
    ['a snapshot whose link is gone', (s: PresenceStore) => `DELETE FROM ${table(s, SnapshotEntity).replace('presence_snapshot', 'identity_link')} WHERE user_id = 'p1'`, /presence_snapshot: 1 snapshot\(s\) of an account no longer linked/],
    ['a status outside the vocabulary', (s: PresenceStore) => `UPDATE ${table(s, SnapshotEntity)} SET status = 'garbage' WHERE user_id = 'p2'`, /presence_snapshot: 1 row\(s\) with a status outside the vocabulary/],
    ['a torn JSON value', (s: PresenceStore) => `UPDATE ${table(s, PlatformStateEntity)} SET value = '{"v":1,'`, /platform_state\.value.*not JSON|not JSON.*platform_state\.value/s],
    ['credentials stored in the clear', (s: PresenceStore) => `UPDATE ${table(s, ConnectionEntity)} SET credentials = '{"botToken":"xoxb-1"}'`, /platform_connection: 1 row\(s\) with credentials that are not a vault envelope/],
    ['a hash that is not a SHA-256', (s: PresenceStore) => `UPDATE ${table(s, ApiKeyEntity)} SET hash = 'abc'`, /api_key: 1 row\(s\) with a hash that is not a SHA-256/],
    ['a migration that is not recorded', (s: PresenceStore) => `DELETE FROM ${table(s, ApiKeyEntity).replace('api_key', 'store_migrations')} WHERE name = 'OutboundEvents1734000000000'`, /store_migrations: not applied: OutboundEvents1734000000000/],
  ])('reports %s, naming the table', async (_name, damage, problem) => {
    await store.dataSource.query(damage(store));
    const report = await checkIntegrity(store.dataSource);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.stringMatching(problem)]);
  });
});

describe('checkIntegrity on a damaged SQLite file', () => {
  const [sqlite] = backends(undefined);

  it('reports the pages integrity_check finds broken instead of throwing', async () => {
    const opened = await openTestStore(sqlite);
    await fill(opened.store);
    // Enough rows for the file to have data pages well past the schema's.
    const history = opened.store.createBatch();
    for (let i = 0; i < 5000; i++) history.change({ userId: `p${i % 3}`, platform: 'slack', from: 'online', to: 'away', at: new Date(i) });
    await history.flush();
    await opened.store.close();
    if (opened.database.config.type !== 'sqlite') throw new Error('sqlite expected');
    const path = opened.database.config.path;
    // Garbage over the middle of the file (after the schema pages): what a torn write of data pages looks like.
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const dataSource = new DataSource({ type: 'sqlite', database: path, entities: STORE_ENTITIES, logging: false });
    await dataSource.initialize();
    try {
      const report = await checkIntegrity(dataSource);
      expect(report.ok).toBe(false);
      expect(report.problems.some((problem) => problem.startsWith('integrity_check'))).toBe(true);
    } finally {
      await dataSource.destroy();
      await opened.database.cleanup();
    }
  });
});

const POSTGRES_URL = process.env.PRESENCE_TEST_POSTGRES_URL;
// Catalog damage exists on PostgreSQL only; without a server there is nothing to run here.
if (POSTGRES_URL) describe('checkIntegrity on PostgreSQL catalogs', () => {
  it('reports a constraint left unvalidated and an index left invalid by an interrupted build', async () => {
    const [, postgres] = backends(POSTGRES_URL);
    const opened = await openTestStore(postgres);
    try {
      const { store } = opened;
      await fill(store);
      const schema = (store.dataSource.options as { schema: string }).schema;
      await store.dataSource.query(`ALTER TABLE ${table(store, SnapshotEntity)} ADD CONSTRAINT "CHK_recent" CHECK (confirmed_at > 100) NOT VALID`);
      // What CREATE INDEX CONCURRENTLY leaves when its process dies between its phases.
      await store.dataSource.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = '"${schema}"."UQ_api_key_hash"'::regclass`);
      const report = await checkIntegrity(store.dataSource);
      expect(report.problems).toEqual([
        expect.stringMatching(/^constraint CHK_recent on .*presence_snapshot is not validated$/),
        expect.stringMatching(/^index .*UQ_api_key_hash.* is not valid/),
      ]);
    } finally {
      await opened.close();
    }
  });
});
