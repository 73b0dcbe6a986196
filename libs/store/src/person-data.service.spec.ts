import { InvalidInputError, type PresenceData } from '@amo/presence-core';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { backends, type OpenedTestStore, openTestStore } from './test-support/store.test-helpers';
import type { PresenceStore } from './open-store';

const ERASED = 'person-7f3a9c';
const KEPT = 'person-b2d4e6';

/** Every table the database itself lists (not only the ones the entities know about). */
async function allTables(dataSource: DataSource, schema?: string): Promise<string[]> {
  if (dataSource.options.type === 'sqlite') {
    const rows: { name: string }[] = await dataSource.query(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    );
    return rows.map((row) => `"${row.name}"`);
  }
  const rows: { table_name: string }[] = await dataSource.query(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
    [schema],
  );
  return rows.map((row) => `"${schema}"."${row.table_name}"`);
}

async function populate(store: PresenceStore, userId: string, account: string): Promise<void> {
  const record: PresenceData = { userId, platform: 'slack', status: 'online', lastUpdated: new Date(1000), activity: 'x' };
  await store.identities.link(userId, 'slack', account);
  await store.identities.link(userId, 'teams', `${account}-entra`);
  await store.preferences.save(userId, { patternsOptIn: true, quietHours: { start: '22:00', end: '06:00', timeZone: 'UTC' } });
  await store
    .createBatch()
    .snapshot(userId, record, 1000)
    .snapshot(userId, { ...record, platform: 'teams', status: 'busy' }, 1000)
    .change({ userId, platform: 'slack', from: null, to: 'online', at: new Date(1000) })
    .change({ userId, platform: 'teams', from: 'online', to: 'busy', at: new Date(2000) })
    .time({ userId, localHour: 100, availableSeconds: 1800, observedSeconds: 3600 })
    .flush();
  await store.outbound.enqueue([{ eventId: randomUUID(), orderKey: `person:${userId}`, userId, type: 'aggregate.changed', body: JSON.stringify({ userId }) }]);
}

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('PersonDataService on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
    await opened.store.connections.save({ platform: 'slack', kind: 'app', credentials: { botToken: 'xoxb' } });
    await opened.store.apiKeys.create({ name: 'k', scopes: ['read'] });
    await opened.store.platformState.set('discord', 'sessions', { '0': { sessionId: 's', sequence: 1, resumeGatewayUrl: 'wss://g' } });
    await populate(opened.store, ERASED, 'U-ERASED');
    await populate(opened.store, KEPT, 'U-KEPT');
  });
  afterAll(async () => {
    await opened.close();
  });

  it('exports everything held about a person as JSON', async () => {
    const exported = await opened.store.personData.export(ERASED);
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
    expect(exported).toMatchObject({
      userId: ERASED,
      exportedAt: new Date(opened.clock.now()).toISOString(),
      identities: [
        { platform: 'slack', accountId: 'U-ERASED' },
        { platform: 'teams', accountId: 'U-ERASED-entra' },
      ],
      preferences: { patternsOptIn: true, quietHours: { start: '22:00', end: '06:00', timeZone: 'UTC' } },
      snapshots: [
        { platform: 'slack', status: 'online', lastUpdated: '1970-01-01T00:00:01.000Z', confirmedAt: '1970-01-01T00:00:01.000Z' },
        { platform: 'teams', status: 'busy' },
      ],
      auditLog: [
        { platform: 'slack', from: null, to: 'online', at: '1970-01-01T00:00:01.000Z' },
        { platform: 'teams', from: 'online', to: 'busy', at: '1970-01-01T00:00:02.000Z' },
      ],
      availabilityPattern: [{ localHour: '1970-01-05T04:00', observedSeconds: 3600, availableSeconds: 1800 }],
    });
    expect(exported.snapshots[0]).not.toHaveProperty('activity');
    expect(JSON.stringify(exported)).not.toContain(KEPT);
    expect(await opened.store.personData.export('stranger')).toMatchObject({ identities: [], preferences: null, snapshots: [] });
  });

  it('erases every row linked to the person, in every table, and nothing else', async () => {
    const { dataSource, personData } = opened.store;
    const schema = opened.database.config.type === 'postgres' ? opened.database.config.schema : undefined;
    const tables = await allTables(dataSource, schema);
    expect(tables.length).toBeGreaterThanOrEqual(10);

    const holding = [];
    for (const table of tables) {
      if (JSON.stringify(await dataSource.query(`SELECT * FROM ${table}`)).includes(ERASED)) holding.push(table);
    }
    expect(holding.length).toBe(6);

    const report = await personData.erase(ERASED);
    expect(report).toEqual({
      userId: ERASED,
      deleted: { identity_link: 2, person_preferences: 1, presence_snapshot: 2, audit_log: 2, availability_time: 1, outbound_event: 1 },
    });
    for (const table of tables) {
      const rows = await dataSource.query(`SELECT * FROM ${table}`);
      expect({ table, leaked: JSON.stringify(rows).includes(ERASED) }).toEqual({ table, leaked: false });
    }
    const kept = await personData.export(KEPT);
    expect(kept.identities).toHaveLength(2);
    expect(kept.auditLog).toHaveLength(2);
    expect(await opened.store.connections.get('slack')).toBeDefined();
    expect((await personData.erase(ERASED)).deleted.identity_link).toBe(0);
    await expect(personData.erase('')).rejects.toThrow(InvalidInputError);
  });

  it('lists people with their platforms, paged by cursor', async () => {
    const listing = await openTestStore(backend);
    try {
      const { identities, preferences, personData } = listing.store;
      for (const id of ['u05', 'u01', 'u03', 'u02', 'u04']) await identities.link(id, 'slack', `S-${id}`);
      await identities.link('u01', 'discord', 'D-1');
      await preferences.save('u06', {});
      const first = await personData.listPeople({ limit: 4 });
      expect(first.items).toEqual([
        { userId: 'u01', platforms: { slack: 'S-u01', discord: 'D-1' } },
        { userId: 'u02', platforms: { slack: 'S-u02' } },
        { userId: 'u03', platforms: { slack: 'S-u03' } },
        { userId: 'u04', platforms: { slack: 'S-u04' } },
      ]);
      const second = await personData.listPeople({ limit: 4, cursor: first.nextCursor });
      expect(second).toEqual({ items: [{ userId: 'u05', platforms: { slack: 'S-u05' } }, { userId: 'u06', platforms: {} }] });
      expect((await personData.listPeople()).items).toHaveLength(6);
      await expect(personData.listPeople({ cursor: 'bad' })).rejects.toThrow(InvalidInputError);
      const otherKind = (await opened.store.audit.list({ limit: 1 })).nextCursor;
      await expect(personData.listPeople({ cursor: otherKind })).rejects.toThrow(InvalidInputError);
    } finally {
      await listing.close();
    }
  });
});
