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
});
