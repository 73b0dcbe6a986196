import { IdentityConflictError, type IdentityDirectory, InMemoryIdentityDirectory, InvalidInputError, type Platform } from '@amo/presence-core';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('IdentityRepository on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
  });
  afterAll(async () => {
    await opened.close();
  });

  it('links both ways and gives each account to one person only', async () => {
    const { identities } = opened.store;
    const link = await identities.link('alice', 'slack', 'U01');
    expect(link).toEqual({ userId: 'alice', platform: 'slack', accountId: 'U01', linkedAt: new Date(opened.clock.now()) });
    await identities.link('alice', 'discord', '1001');
    expect(await identities.personOf('slack', 'U01')).toBe('alice');
    expect(await identities.accountOf('alice', 'discord')).toBe('1001');
    expect(await identities.accountsOf('alice')).toEqual({ slack: 'U01', discord: '1001' });
    await expect(identities.link('bob', 'slack', 'U01')).rejects.toThrow(IdentityConflictError);
    expect(await identities.link('alice', 'slack', 'U01')).toMatchObject({ accountId: 'U01' });
  });

  it('replaces a person’s account on a platform and frees the old one', async () => {
    const { identities } = opened.store;
    await identities.link('carol', 'teams', 'entra-1');
    await identities.link('carol', 'teams', 'entra-2');
    expect(await identities.accountOf('carol', 'teams')).toBe('entra-2');
    expect(await identities.personOf('teams', 'entra-1')).toBeUndefined();
    await identities.link('dave', 'teams', 'entra-1');
    expect(await identities.accountsOn('teams')).toEqual(['entra-1', 'entra-2']);
  });

  it('unlinks with the snapshot rows of the accounts it unlinks, and only those', async () => {
    const { store, clock } = opened;
    await store.identities.link('gail', 'zoom', 'z-gail');
    await store.identities.link('gail', 'slack', 'U-gail');
    await store.identities.link('hank', 'zoom', 'z-hank');
    const at = new Date(clock.now());
    const batch = store.createBatch();
    for (const [userId, platform] of [['gail', 'zoom'], ['gail', 'slack'], ['hank', 'zoom']] as const) batch.snapshot(userId, { userId, platform, status: 'online', lastUpdated: at }, clock.now());
    await batch.flush();
    const stored = async () => (await store.snapshots.load()).filter((entry) => ['gail', 'hank'].includes(entry.userId)).map((entry) => `${entry.userId}/${entry.record.platform}`).sort();
    expect(await stored()).toEqual(['gail/slack', 'gail/zoom', 'hank/zoom']);
    expect(await store.identities.unlink('gail', 'zoom')).toBe(1);
    expect(await stored()).toEqual(['gail/slack', 'hank/zoom']);
    expect(await store.identities.unlink('gail')).toBe(1);
    expect(await stored()).toEqual(['hank/zoom']);
  });

  it('unlinks one platform or all, and loads into core’s directory', async () => {
    const { identities } = opened.store;
    await identities.link('erin', 'zoom', 'z1');
    await identities.link('erin', 'whatsapp', '4915550001');
    expect(await identities.unlink('erin', 'zoom')).toBe(1);
    expect(await identities.accountsOf('erin')).toEqual({ whatsapp: '4915550001' });
    expect(await identities.unlink('erin')).toBe(1);
    expect(await identities.accountsOf('erin')).toEqual({});

    const directory = new InMemoryIdentityDirectory();
    const count = await identities.loadInto(directory);
    const all = await identities.all();
    expect(count).toBe(all.length);
    expect(await identities.peopleCount()).toBe(new Set(all.map((link) => link.userId)).size);
    expect(directory.people().sort()).toEqual([...new Set(all.map((link) => link.userId))].sort());
    expect(directory.personOf('slack', 'U01')).toBe('alice');
    expect(directory.accountsOf('carol')).toEqual({ teams: 'entra-2' });
    // Another directory implementation gets the same links one link() at a time.
    const other = new InMemoryIdentityDirectory();
    const plain = { link: (userId: string, platform: Platform, accountId: string) => other.link(userId, platform, accountId) } as unknown as IdentityDirectory;
    expect(await identities.loadInto(plain)).toBe(count);
    expect(other.people().sort()).toEqual(directory.people().sort());
  });

  it('validates ids and platforms', async () => {
    const { identities } = opened.store;
    await expect(identities.link('', 'slack', 'U9')).rejects.toThrow(InvalidInputError);
    await expect(identities.link('frank', 'myspace' as never, 'x')).rejects.toThrow(InvalidInputError);
    await expect(identities.link('frank', 'slack', 'x'.repeat(257))).rejects.toThrow(InvalidInputError);
  });

  it('turns a unique-index race into a conflict, not a raw database error', async () => {
    const { identities } = opened.store;
    const results = await Promise.allSettled([
      identities.link('gina', 'linkedin', 'urn:li:person:1'),
      identities.link('hank', 'linkedin', 'urn:li:person:1'),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(IdentityConflictError);
  });
});
