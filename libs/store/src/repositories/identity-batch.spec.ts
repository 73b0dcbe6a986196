import { IdentityConflictError, InMemoryIdentityDirectory, InvalidInputError, type Platform, type PresenceData } from '@amo/presence-core';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';
import { IdentityLinkEntity } from '../entities/identity-link.entity';
import { IdentityBatchConflictError } from './identity-batch';

const record = (userId: string, platform: Platform): PresenceData => ({ userId, platform, status: 'online', lastUpdated: new Date(1000) });

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('IdentityRepository.replaceMany on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
  });
  afterAll(async () => {
    await opened.close();
  });

  const conflictOf = async (promise: Promise<unknown>): Promise<IdentityBatchConflictError> => {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(IdentityBatchConflictError);
    return error as IdentityBatchConflictError;
  };

  it('applies PUT semantics to every person in one transaction and reports each change in request order', async () => {
    const { identities, snapshots } = opened.store;
    await identities.replace('a1', { slack: 'U-A1-OLD', teams: 'T-A1' });
    await snapshots.saveBatch([
      { userId: 'a1', record: record('a1', 'slack'), confirmedAt: 1000 },
      { userId: 'a1', record: record('a1', 'teams'), confirmedAt: 1000 },
    ]);

    const results = await identities.replaceMany([
      { userId: 'a1', identities: { slack: 'U-A1', teams: 'T-A1' } },
      { userId: 'a2', identities: { slack: 'U-A2', zoom: 'z-a2', discord: '2' } },
    ]);

    expect(results.map((result) => result.userId)).toEqual(['a1', 'a2']);
    expect(results[0]).toEqual({ userId: 'a1', links: { slack: 'U-A1', teams: 'T-A1' }, added: [['slack', 'U-A1']], dropped: ['slack'] });
    expect(results[1].added.sort()).toEqual([['discord', '2'], ['slack', 'U-A2'], ['zoom', 'z-a2']]);
    expect(await identities.accountsOf('a1')).toEqual({ slack: 'U-A1', teams: 'T-A1' });
    expect(await identities.accountsOf('a2')).toEqual({ slack: 'U-A2', zoom: 'z-a2', discord: '2' });
    expect(await identities.personOf('slack', 'U-A1-OLD')).toBeUndefined();
    expect((await snapshots.forPerson('a1')).map((entry) => entry.record.platform)).toEqual(['teams']);
  });

  it('changes nothing and names every failing person: an account of someone outside the batch, one claimed twice, a person named twice', async () => {
    const { identities } = opened.store;
    await identities.replace('owner', { slack: 'U-OWNED' });
    await identities.replace('b0', { zoom: 'z-b0' });

    const error = await conflictOf(
      identities.replaceMany([
        { userId: 'b0', identities: { zoom: 'z-b0-new' } },
        { userId: 'b1', identities: { slack: 'U-OWNED', teams: 'T-B1' } },
        { userId: 'b2', identities: { teams: 'T-SHARED' } },
        { userId: 'b3', identities: { teams: 'T-SHARED' } },
        { userId: 'b2', identities: { discord: '99' } },
      ]),
    );

    expect(error).toBeInstanceOf(IdentityConflictError);
    expect(error.conflicts.map(({ index, userId, platform }) => ({ index, userId, platform }))).toEqual([
      { index: 1, userId: 'b1', platform: 'slack' },
      { index: 3, userId: 'b3', platform: 'teams' },
      { index: 4, userId: 'b2', platform: undefined },
    ]);
    expect(await identities.accountsOf('b0')).toEqual({ zoom: 'z-b0' });
    for (const userId of ['b1', 'b2', 'b3']) expect(await identities.accountsOf(userId)).toEqual({});
    expect(await identities.accountsOf('owner')).toEqual({ slack: 'U-OWNED' });
  });

  it('lets an account move between two people of the same batch (deleted before it is inserted)', async () => {
    const { identities } = opened.store;
    await identities.replace('c1', { linkedin: 'urn:li:person:moving' });
    const results = await identities.replaceMany([
      { userId: 'c2', identities: { linkedin: 'urn:li:person:moving' } },
      { userId: 'c1', identities: {} },
    ]);
    expect(results[1].dropped).toEqual(['linkedin']);
    expect(await identities.personOf('linkedin', 'urn:li:person:moving')).toBe('c2');
  });

  it('validates every id before touching the database', async () => {
    const { identities } = opened.store;
    await expect(identities.replaceMany([{ userId: 'd1', identities: { slack: 'U-D1' } }, { userId: 'd2', identities: { zoom: '' } }])).rejects.toThrow(InvalidInputError);
    expect(await identities.accountsOf('d1')).toEqual({});
  });

  it('links 2,000 people x 6 platforms in one call, and loadInto restores them all page by page', async () => {
    const { identities } = opened.store;
    const people = Array.from({ length: 2000 }, (_, index) => ({
      userId: `bulk-${index}`,
      identities: { discord: `d${index}`, slack: `s${index}`, teams: `t${index}`, zoom: `z${index}`, whatsapp: `w${index}`, linkedin: `l${index}` },
    }));
    const results = await identities.replaceMany(people);
    expect(results.reduce((sum, result) => sum + result.added.length, 0)).toBe(12_000);

    const directory = new InMemoryIdentityDirectory();
    const loaded = await identities.loadInto(directory);
    expect(loaded).toBe(await opened.store.dataSource.manager.count(IdentityLinkEntity));
    expect(directory.accountsOf('bulk-1999')).toEqual(people[1999].identities);
    expect(directory.personOf('teams', 't1234')).toBe('bulk-1234');
  });
});
