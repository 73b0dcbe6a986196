import { InMemoryIdentityDirectory, InvalidInputError, PresenceAggregator, TimerScheduler } from '@amo/presence-core';
import { IdentityLinkEntity } from '../entities/identity-link.entity';
import { SnapshotEntity, type SnapshotRow } from '../entities/snapshot.entity';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';

/** A NUL was a driver error on PostgreSQL (a 500 in the API); SQLite stored the others. */
const BAD = ['a\u0000b', 'a\u0001', 'a\u007f', 'a\u0085', 'a\ud800', '\udc00'];

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('the store checks ids with core’s rule on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
  });
  afterAll(async () => {
    await opened.close();
  });

  it.each(BAD.map((id) => [escaped(id), id]))('refuses %s with InvalidInputError everywhere, and stores nothing', async (_name, bad) => {
    const { identities, preferences, personData, apiKeys, audit, patterns } = opened.store;
    const refused = (work: Promise<unknown>) => expect(work).rejects.toThrow(InvalidInputError);
    await refused(identities.link(bad, 'slack', 'U1'));
    await refused(identities.link('alice', 'slack', bad));
    await refused(identities.replace(bad, { slack: 'U1' }));
    await refused(identities.replace('alice', { slack: bad }));
    await refused(identities.replaceMany([{ userId: 'alice', identities: { zoom: bad } }]));
    await refused(identities.unlink(bad));
    await refused(identities.accountOf(bad, 'slack'));
    await refused(identities.personOf('slack', bad));
    await refused(identities.accountsOf(bad));
    await refused(preferences.save(bad, { consent: true }));
    await refused(preferences.update(bad, { consent: true }));
    await refused(preferences.get(bad));
    await refused(preferences.delete(bad));
    await refused(personData.erase(bad));
    await refused(personData.export(bad));
    await refused(apiKeys.create({ name: `key ${bad}`, scopes: ['read'] }));
    await refused(apiKeys.revoke(bad));
    await refused(audit.list({ userId: bad }));
    await refused(patterns.readMany(['alice', bad]));
    await refused(patterns.clear(bad));
    expect(await identities.all()).toEqual([]);
    expect((await preferences.loadAll()).size).toBe(0);
    expect(await apiKeys.list()).toEqual([]);
  });

  it('leaves out links and snapshots an older version stored with control characters, instead of failing to start', async () => {
    const { identities, snapshots, dataSource } = opened.store;
    await identities.link('alice', 'slack', 'U1');
    await snapshots.saveBatch([{ userId: 'alice', record: { userId: 'alice', platform: 'slack', status: 'online', lastUpdated: new Date(1_000) }, confirmedAt: 1_000 }]);
    // Rows as an older version let them through, written past the repositories (PostgreSQL never took a NUL).
    await dataSource.manager.insert(IdentityLinkEntity, [
      { userId: 'mallory\u0001', platform: 'zoom', accountId: 'z1', linkedAt: 0 },
      { userId: 'bob', platform: 'zoom', accountId: 'z\u0002', linkedAt: 0 },
    ]);
    const snapshot = (await dataSource.manager.findOneBy(SnapshotEntity, { userId: 'alice' })) as SnapshotRow;
    await dataSource.manager.insert(SnapshotEntity, { ...snapshot, userId: 'mallory\u0001' });

    const directory = new InMemoryIdentityDirectory();
    expect(await identities.loadInto(directory)).toBe(1);
    expect(directory.people()).toEqual(['alice']);
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler(), directory });
    expect(await snapshots.restoreInto(aggregator)).toBe(1);
    expect(aggregator.getPresenceStatistics().peopleTracked).toBe(1);
    await aggregator.close();
  });
});

/** An id with every non-ASCII code unit written as \\uXXXX, for the test name. */
function escaped(id: string): string {
  return id.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
