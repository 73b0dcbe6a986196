import { IdentityConflictError, InvalidInputError, type Platform, type PresenceData } from '@amo/presence-core';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';

const record = (userId: string, platform: Platform): PresenceData => ({ userId, platform, status: 'online', lastUpdated: new Date(1000) });

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('IdentityRepository.replace on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
  });
  afterAll(async () => {
    await opened.close();
  });

  const snapshotPlatforms = async (userId: string): Promise<string[]> =>
    (await opened.store.snapshots.forPerson(userId)).map((entry) => entry.record.platform).sort();

  it('makes the links exactly the given ones, and drops the snapshots of removed or replaced accounts', async () => {
    const { identities, snapshots } = opened.store;
    await identities.link('alice', 'slack', 'U-OLD');
    await identities.link('alice', 'teams', 'T1');
    await identities.link('alice', 'zoom', 'z-alice');
    await snapshots.saveBatch((['slack', 'teams', 'zoom'] as const).map((platform) => ({ userId: 'alice', record: record('alice', platform), confirmedAt: 1000 })));

    const result = await identities.replace('alice', { slack: 'U-NEW', zoom: 'z-alice', discord: '1001' });
    expect(result.links).toEqual({ slack: 'U-NEW', zoom: 'z-alice', discord: '1001' });
    expect(result.added.sort()).toEqual([['discord', '1001'], ['slack', 'U-NEW']]);
    expect(result.dropped.sort()).toEqual(['slack', 'teams']);
    expect(await identities.accountsOf('alice')).toEqual({ slack: 'U-NEW', zoom: 'z-alice', discord: '1001' });
    expect(await identities.personOf('slack', 'U-OLD')).toBeUndefined();
    expect(await snapshotPlatforms('alice')).toEqual(['zoom']);
    expect(await identities.replace('alice', { slack: 'U-NEW', zoom: 'z-alice', discord: '1001' })).toMatchObject({ added: [], dropped: [] });
  });

  it('changes nothing at all when one account in the request belongs to someone else', async () => {
    const { identities, snapshots } = opened.store;
    await identities.link('bob', 'discord', '2002');
    await identities.link('carol', 'slack', 'U-CAROL');
    await identities.link('carol', 'teams', 'T-CAROL');
    await snapshots.saveBatch([{ userId: 'carol', record: record('carol', 'slack'), confirmedAt: 1000 }]);

    // The conflict is the second of three links, after a replaced and before a new one.
    await expect(identities.replace('carol', { slack: 'U-CAROL-2', discord: '2002', zoom: 'z-carol' })).rejects.toThrow(IdentityConflictError);
    expect(await identities.accountsOf('carol')).toEqual({ slack: 'U-CAROL', teams: 'T-CAROL' });
    expect(await identities.personOf('slack', 'U-CAROL-2')).toBeUndefined();
    expect(await identities.personOf('zoom', 'z-carol')).toBeUndefined();
    expect(await snapshotPlatforms('carol')).toEqual(['slack']);
    expect(await identities.accountsOf('bob')).toEqual({ discord: '2002' });
  });

  it('validates every id before touching the database', async () => {
    const { identities } = opened.store;
    await expect(identities.replace('dave', { slack: 'U-DAVE', zoom: 'x'.repeat(257) })).rejects.toThrow(InvalidInputError);
    await expect(identities.replace('dave', { myspace: 'x' } as never)).rejects.toThrow(InvalidInputError);
    expect(await identities.accountsOf('dave')).toEqual({});
  });

  it('lets exactly one of two people racing for one account have it', async () => {
    const { identities } = opened.store;
    const results = await Promise.allSettled([
      identities.replace('gina', { linkedin: 'urn:li:person:race', slack: 'U-GINA' }),
      identities.replace('hank', { linkedin: 'urn:li:person:race', slack: 'U-HANK' }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(IdentityConflictError);
    const loser = (await identities.personOf('linkedin', 'urn:li:person:race')) === 'gina' ? 'hank' : 'gina';
    expect(await identities.accountsOf(loser)).toEqual({});
  });
});
