import { type IdentityDirectory, InMemoryIdentityDirectory } from '../identity/identity-directory';
import type { Platform } from '../model/platform';
import type { PlatformPresence, PresenceData } from '../model/presence';
import { TimerScheduler } from '../ports/scheduler';
import { PresenceAggregator } from './presence-aggregator';
import { ScriptedAdapter } from './scripted-adapter.spec-helper';

const pushCapabilities = { freshness: 'push', poll: false, push: true, inferred: false, batchSize: 1, rateBudgets: [], fields: [] } as const;
const discord = (over: Partial<PlatformPresence> = {}): PlatformPresence => ({
  platform: 'discord', accountId: 'd1', status: 'online', rawStatus: 'online', observedAt: new Date(1_000), ...over,
});

describe('PresenceAggregator on columns, with accounts resolved straight to rows (issue 13)', () => {
  it('hears a device-only change, not a re-read; a re-read still moves lastUpdated', () => {
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler() });
    aggregator.registerAdapter(new ScriptedAdapter('discord', pushCapabilities));
    aggregator.directory.link('alice', 'discord', 'd1');
    const heard: PresenceData[] = [];
    aggregator.addPresenceListener((_userId, _platform, presence) => heard.push(presence));
    expect(aggregator.ingest('discord', [discord({ devices: { desktop: 'online' } })])).toBe(1);
    expect(aggregator.ingest('discord', [discord({ devices: { desktop: 'online' }, observedAt: new Date(2_000) })])).toBe(0);
    expect(aggregator.getUserPresence('alice').discord?.lastUpdated).toEqual(new Date(2_000));
    expect(aggregator.ingest('discord', [discord({ devices: { mobile: 'online' }, observedAt: new Date(3_000) })])).toBe(1);
    expect(heard.map((presence) => presence.devices)).toEqual([{ desktop: 'online' }, { mobile: 'online' }]);
    expect(heard[1]).toEqual(aggregator.getUserPresence('alice').discord);
  });

  it('re-keys a directory linked before the aggregator onto its table, and keeps answering after unlinks', async () => {
    const directory = new InMemoryIdentityDirectory();
    directory.link('alice', 'discord', 'd1');
    directory.link('bob', 'discord', 'd2');
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler(), directory });
    aggregator.registerAdapter(new ScriptedAdapter('discord', pushCapabilities));
    await aggregator.startMonitoring(['discord']);
    aggregator.ingest('discord', [discord(), discord({ accountId: 'd2', status: 'idle' })]);
    expect(aggregator.areUsersAvailable(['alice', 'bob'])).toEqual({ alice: true, bob: true });
    directory.unlink('alice');
    expect(aggregator.ingest('discord', [discord({ status: 'offline', observedAt: new Date(2_000) })])).toBe(0);
    expect(aggregator.getPresenceStatistics().dropped).toBe(1);
    directory.link('carol', 'discord', 'd1');
    aggregator.ingest('discord', [discord({ status: 'offline', observedAt: new Date(2_000) })]);
    expect(aggregator.getUserPresence('carol').discord?.status).toBe('offline');
    expect(aggregator.getUserPresence('alice').discord?.status).toBe('online');
    await aggregator.close();
  });

  it('works on another directory implementation (account -> person -> row), misses counted from its links', async () => {
    const inner = new InMemoryIdentityDirectory();
    const directory: IdentityDirectory = {
      link: (userId, platform, accountId) => inner.link(userId, platform, accountId),
      unlink: (userId, platform) => inner.unlink(userId, platform),
      accountOf: (userId, platform) => inner.accountOf(userId, platform),
      personOf: (platform: Platform, accountId) => inner.personOf(platform, accountId),
      accountsOf: (userId) => inner.accountsOf(userId),
      accountsOn: (platform) => inner.accountsOn(platform),
      accountCount: (platform) => inner.accountCount(platform),
      people: () => inner.people(),
      has: (userId) => inner.has(userId),
      peopleOn: (platform) => inner.peopleOn(platform),
      linkedAccounts: (userId) => inner.linkedAccounts(userId),
    };
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler(), directory });
    aggregator.registerAdapter(new ScriptedAdapter('discord', pushCapabilities));
    aggregator.registerAdapter(new ScriptedAdapter('slack'));
    directory.link('alice', 'discord', 'd1');
    directory.link('alice', 'slack', 'U1');
    await aggregator.startMonitoring(['discord']);
    expect(aggregator.ingest('discord', [discord()])).toBe(1);
    expect(aggregator.explain('alice')).toMatchObject({ status: 'online', decidedBy: 'discord', awaiting: ['slack'] });
    expect(aggregator.getPresenceStatistics().cache).toMatchObject({ hits: 1, misses: 1 });
    await aggregator.close();
  });
});
