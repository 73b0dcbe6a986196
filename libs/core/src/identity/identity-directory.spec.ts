import { IdentityConflictError, InMemoryIdentityDirectory } from './identity-directory';

describe('identity directory', () => {
  it('maps both ways and relinks cleanly', () => {
    const directory = new InMemoryIdentityDirectory();
    directory.link('alice', 'slack', 'U1');
    directory.link('alice', 'discord', '42');
    expect(directory.personOf('slack', 'U1')).toBe('alice');
    expect(directory.accountsOf('alice')).toEqual({ slack: 'U1', discord: '42' });
    directory.link('alice', 'slack', 'U2');
    expect(directory.personOf('slack', 'U1')).toBeUndefined();
    expect(directory.accountsOn('slack')).toEqual(['U2']);
    expect(directory.accountCount('slack')).toBe(1);
    expect(directory.accountCount('teams')).toBe(0);
    expect(directory.accountOf('alice', 'slack')).toBe('U2');
  });

  it('refuses to give one account to two people', () => {
    const directory = new InMemoryIdentityDirectory();
    directory.link('alice', 'slack', 'U1');
    expect(() => directory.link('bob', 'slack', 'U1')).toThrow(IdentityConflictError);
    expect(directory.has('bob')).toBe(false);
  });

  it('unlinks one platform or all, and forgets people with no links', () => {
    const directory = new InMemoryIdentityDirectory();
    directory.link('alice', 'slack', 'U1');
    directory.link('alice', 'zoom', 'z1');
    directory.unlink('alice', 'slack');
    expect(directory.accountsOf('alice')).toEqual({ zoom: 'z1' });
    directory.unlink('alice');
    expect(directory.people()).toEqual([]);
    expect(directory.personOf('zoom', 'z1')).toBeUndefined();
    directory.unlink('nobody');
  });

  it('gives each platform a live account -> person map and each person their accounts by slot, without copies', () => {
    const directory = new InMemoryIdentityDirectory();
    const slack = directory.peopleOn('slack');
    expect(slack.size).toBe(0);
    directory.link('alice', 'slack', 'U1');
    directory.link('alice', 'zoom', 'z1');
    expect(directory.peopleOn('slack')).toBe(slack);
    expect(slack.get('U1')).toBe('alice');
    expect(directory.linkedAccounts('alice')).toEqual([undefined, 'U1', undefined, 'z1', undefined, undefined]);
    expect(directory.linkedAccounts('alice')).toBe(directory.linkedAccounts('alice'));
    directory.unlink('alice', 'slack');
    expect(slack.size).toBe(0);
    expect(directory.linkedAccounts('alice')?.[1]).toBeUndefined();
    expect(directory.linkedAccounts('nobody')).toBeUndefined();
  });

  describe('restoreLinks (a store page of links as columns)', () => {
    it('links every row as link() would, leaving out bad ids and unknown platforms', () => {
      const restored = new InMemoryIdentityDirectory();
      const linked = new InMemoryIdentityDirectory();
      const userIds = ['alice', 'alice', 'alice', 'bob', 'bad\u0001', 'carol', 'carol'];
      const platforms = ['discord', 'slack', 'myspace', 'slack', 'zoom', 'zoom', 'teams'];
      const accountIds = ['42', 'U1', 'm1', 'U2', 'z0', 'z1', 'bad\u0002'];
      expect(restored.restoreLinks(userIds, platforms, accountIds)).toBe(4);
      linked.link('alice', 'discord', '42');
      linked.link('alice', 'slack', 'U1');
      linked.link('bob', 'slack', 'U2');
      linked.link('carol', 'zoom', 'z1');
      expect(restored.people()).toEqual(linked.people());
      for (const userId of ['alice', 'bob', 'carol', 'bad\u0001']) expect(restored.accountsOf(userId)).toEqual(linked.accountsOf(userId));
      for (const platform of ['discord', 'slack', 'zoom', 'teams'] as const) expect([...restored.peopleOn(platform)]).toEqual([...linked.peopleOn(platform)]);
    });

    it('restoring the same page twice changes nothing; a relink replaces the old account', () => {
      const directory = new InMemoryIdentityDirectory();
      directory.restoreLinks(['alice', 'alice'], ['slack', 'zoom'], ['U1', 'z1']);
      expect(directory.restoreLinks(['alice', 'alice'], ['slack', 'zoom'], ['U1', 'z1'])).toBe(2);
      expect(directory.accountsOf('alice')).toEqual({ slack: 'U1', zoom: 'z1' });
      directory.restoreLinks(['alice'], ['slack'], ['U9']);
      expect(directory.personOf('slack', 'U1')).toBeUndefined();
      expect(directory.accountsOn('slack')).toEqual(['U9']);
    });

    it('refuses an account another person holds, as link() does, and leaves it with its owner', () => {
      const directory = new InMemoryIdentityDirectory();
      directory.link('alice', 'slack', 'U1');
      expect(() => directory.restoreLinks(['bob'], ['slack'], ['U1'])).toThrow(IdentityConflictError);
      expect(directory.personOf('slack', 'U1')).toBe('alice');
      expect(directory.accountsOf('bob')).toEqual({});
      expect(directory.has('bob')).toBe(false);
      expect(directory.accountCount('slack')).toBe(1);
    });
  });
});
