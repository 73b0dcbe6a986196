import { PresenceError, InvalidInputError } from '../model/errors';
import type { PlatformPresence } from '../model/presence';
import { TimerScheduler } from '../ports/scheduler';
import { PresenceAggregator } from './presence-aggregator';
import { ScriptedAdapter, transient } from './scripted-adapter.spec-helper';

const pushCapabilities = { freshness: 'push', poll: false, push: true, inferred: false, batchSize: 1, rateBudgets: [], fields: [] } as const;

function setup(options: ConstructorParameters<typeof PresenceAggregator>[0] = {}) {
  const scheduler = new TimerScheduler();
  const aggregator = new PresenceAggregator({ scheduler, pollIntervalMs: 30_000, ...options });
  const slack = new ScriptedAdapter('slack');
  aggregator.registerAdapter(slack);
  aggregator.directory.link('alice', 'slack', 'U1');
  aggregator.directory.link('bob', 'slack', 'U2');
  return { scheduler, aggregator, slack };
}

/** Lets pending promise callbacks run under fake timers. */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('PresenceAggregator monitoring', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-15T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('polls at once, then every interval, and stop leaves no timer', async () => {
    const { aggregator, slack, scheduler } = setup();
    slack.statuses.set('U1', 'online');
    await aggregator.startMonitoring(['slack']);
    await flush();
    expect(slack.calls).toEqual([['U1', 'U2']]);
    await jest.advanceTimersByTimeAsync(29_999);
    expect(slack.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(slack.calls).toHaveLength(2);
    await aggregator.stopMonitoring();
    expect(scheduler.pending()).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(slack.calls).toHaveLength(2);
  });

  it('calls listeners only on real changes, and one throwing listener does not stop the others', async () => {
    const { aggregator, slack } = setup();
    const heard: string[] = [];
    aggregator.addPresenceListener(() => {
      throw new Error('broken listener');
    });
    const off = aggregator.addPresenceListener((userId, platform, presence) => heard.push(`${userId}:${platform}:${presence.status}`));
    slack.statuses.set('U1', 'online');
    await aggregator.startMonitoring(['slack']);
    await flush();
    await jest.advanceTimersByTimeAsync(30_000);
    expect(heard).toEqual(['alice:slack:online']);
    slack.statuses.set('U1', 'away');
    await jest.advanceTimersByTimeAsync(30_000);
    expect(heard).toEqual(['alice:slack:online', 'alice:slack:away']);
    off();
    slack.statuses.set('U1', 'online');
    await jest.advanceTimersByTimeAsync(30_000);
    expect(heard).toHaveLength(2);
    expect(aggregator.getPresenceStatistics().changesEmitted).toBe(3);
    await aggregator.stopMonitoring();
  });

  it('records a failed poll, keeps the loop alive, and waits for an open breaker', async () => {
    const { aggregator, slack } = setup();
    slack.failWith = transient();
    slack.breaker = 'open';
    slack.breakerRetryInMs = 90_000;
    await aggregator.startMonitoring(['slack']);
    await flush();
    expect(aggregator.getPresenceStatistics().platforms.slack?.errors).toBe(1);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(slack.calls).toHaveLength(1);
    slack.failWith = null;
    slack.breaker = 'closed';
    slack.statuses.set('U1', 'online');
    await jest.advanceTimersByTimeAsync(30_000);
    expect(slack.calls).toHaveLength(2);
    const stats = aggregator.getPresenceStatistics();
    expect(stats.platforms.slack).toMatchObject({ polls: 1, errors: 1, errorsByCode: { TRANSIENT: 1 } });
    expect(stats.retries).toBe(2);
    await aggregator.stopMonitoring();
  });

  it('polls only consenting people and follows runtime interval changes', async () => {
    const { aggregator, slack } = setup({ preferences: (userId) => (userId === 'bob' ? { optedOut: true } : undefined) });
    await aggregator.startMonitoring();
    await flush();
    expect(slack.calls[0]).toEqual(['U1']);
    expect(slack.tracked).toEqual(['U1']);
    aggregator.setPollInterval('slack', 5_000);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(slack.calls).toHaveLength(2);
    expect(() => aggregator.setPollInterval('slack', 10)).toThrow(InvalidInputError);
    await aggregator.close();
    expect(slack.closed).toBe(true);
  });

  it('marks polled records stale after the TTL and reports unknown once nothing fresh remains', async () => {
    const { aggregator, slack } = setup({ cacheTtlMs: 60_000 });
    slack.statuses.set('U1', 'online');
    await aggregator.startMonitoring(['slack']);
    await flush();
    expect(aggregator.getAggregatedPresence('alice')).toBe('online');
    slack.failWith = transient();
    await jest.advanceTimersByTimeAsync(60_000);
    const explanation = aggregator.explain('alice');
    expect(explanation).toMatchObject({ status: 'unknown', decidedBy: null, stale: ['slack'], available: false });
    expect(explanation.platforms.slack?.stale).toBe(true);
    await aggregator.stopMonitoring();
  });

  it('emits aggregate changes, including ones caused by time alone', async () => {
    const { aggregator, slack } = setup({ cacheTtlMs: 60_000 });
    const changes: string[] = [];
    aggregator.addAggregateListener((userId, change) => changes.push(`${userId}:${change.status}:${change.available}`));
    slack.statuses.set('U1', 'online');
    await aggregator.startMonitoring(['slack']);
    await flush();
    slack.failWith = transient();
    await jest.advanceTimersByTimeAsync(61_000);
    expect(changes).toEqual(['alice:online:true', 'alice:unknown:false']);
    await aggregator.stopMonitoring();
  });

  it('stops one platform at a time and never starts a push connection twice', async () => {
    const { aggregator, slack, scheduler } = setup();
    const discord = new ScriptedAdapter('discord', pushCapabilities);
    let pushStarts = 0;
    const startPush = discord.startPush.bind(discord);
    discord.startPush = async (sink) => {
      pushStarts++;
      await startPush(sink);
    };
    aggregator.registerAdapter(discord);
    await aggregator.startMonitoring(['slack', 'discord']);
    await flush();
    await aggregator.stopMonitoring(['slack']);
    expect(aggregator.isMonitoring('slack')).toBe(false);
    expect(aggregator.isMonitoring('discord')).toBe(true);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(slack.calls).toHaveLength(1);
    // Stopping monitoring stops push for real (issue 12); starting again starts it once more, never twice at once.
    await aggregator.stopMonitoring();
    await aggregator.startMonitoring(['discord']);
    await aggregator.startMonitoring(['discord']);
    expect(pushStarts).toBe(2);
    await aggregator.stopMonitoring();
    expect(scheduler.pending()).toEqual([]);
    await aggregator.close();
  });

  it('push platforms are fresh while connected and stale when the connection drops', async () => {
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler() });
    const discord = new ScriptedAdapter('discord', pushCapabilities);
    aggregator.registerAdapter(discord);
    aggregator.directory.link('alice', 'discord', '42');
    const states: string[] = [];
    aggregator.addPlatformListener((change) => states.push(`${change.platform}:${change.state}:${change.error?.code ?? ''}`));
    await aggregator.startMonitoring(['discord']);
    discord.sink?.presence({ platform: 'discord', accountId: '42', status: 'busy', observedAt: new Date() });
    expect(aggregator.getAggregatedPresence('alice')).toBe('busy');
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(aggregator.getAggregatedPresence('alice')).toBe('busy');
    discord.sink?.connection('failed', new PresenceError('PERMISSION_DENIED', 'intents not enabled'));
    expect(aggregator.explain('alice').stale).toEqual(['discord']);
    expect(states).toEqual(['discord:up:', 'discord:failed:PERMISSION_DENIED']);
    expect(aggregator.connectionState('discord')).toBe('failed');
    await aggregator.close();
  });
});

describe('PresenceAggregator reads and ingestion', () => {
  const record = (over: Partial<PlatformPresence>): PlatformPresence => ({
    platform: 'slack', accountId: 'U1', status: 'online', observedAt: new Date(1_000), ...over,
  });

  it('never creates an entry when asked about strangers', () => {
    const { aggregator } = setup();
    expect(aggregator.getAggregatedPresence('stranger')).toBe('unknown');
    expect(aggregator.getUserPresence('stranger')).toEqual({});
    expect(aggregator.areUsersAvailable(['stranger'])).toEqual({ stranger: false });
    expect(aggregator.getPresenceStatistics().byStatus.unknown).toBe(0);
    expect(aggregator.getPresenceStatistics().peopleTracked).toBe(2);
  });

  it('drops older readings, unlinked accounts and non-consenting people', () => {
    const { aggregator } = setup({ consentDefault: false, preferences: (userId) => (userId === 'alice' ? { consent: true } : undefined) });
    expect(aggregator.ingest('slack', [record({ status: 'away', observedAt: new Date(2_000) })])).toBe(1);
    expect(aggregator.ingest('slack', [record({ status: 'online', observedAt: new Date(1_000) })])).toBe(0);
    expect(aggregator.ingest('slack', [record({ status: 'online', sequence: 'B', sequenceScope: 's1', observedAt: new Date(3_000) })])).toBe(1);
    expect(aggregator.ingest('slack', [record({ status: 'busy', sequence: 'A', sequenceScope: 's1', observedAt: new Date(4_000) })])).toBe(0);
    expect(aggregator.ingest('slack', [record({ accountId: 'U2' }), record({ accountId: 'nobody' })])).toBe(0);
    expect(aggregator.getUserPresence('alice', 'slack').slack?.status).toBe('online');
    expect(aggregator.getPresenceStatistics().dropped).toBe(2);
  });

  it('aggregates across platforms by the chosen policy', () => {
    const { aggregator } = setup();
    aggregator.registerAdapter(new ScriptedAdapter('zoom'));
    aggregator.directory.link('alice', 'zoom', 'z1');
    aggregator.ingest('slack', [record({ status: 'online' })]);
    aggregator.ingest('zoom', [record({ platform: 'zoom', accountId: 'z1', status: 'busy', activity: 'In a Zoom meeting' })]);
    expect(aggregator.explain('alice')).toMatchObject({ status: 'online', decidedBy: 'slack', available: true });
    aggregator.setDefaultPolicy('busy-wins');
    expect(aggregator.explain('alice')).toMatchObject({ status: 'busy', decidedBy: 'zoom', available: false });
    expect(aggregator.getUserPresence('alice', 'zoom')).toEqual({ zoom: expect.objectContaining({ activity: 'In a Zoom meeting' }) });
    expect(aggregator.areUsersAvailable(['alice', 'bob'])).toEqual({ alice: false, bob: false });
  });

  it('counts cache hits and misses per platform record served', () => {
    const { aggregator } = setup();
    aggregator.ingest('slack', [record({})]);
    aggregator.explain('alice');
    aggregator.explain('bob');
    expect(aggregator.getPresenceStatistics().cache).toEqual({ hits: 1, misses: 1, hitRate: 0.5 });
  });

  it('does not count an inferred platform with no signal yet as a miss: unknown is its answer', () => {
    const { aggregator } = setup();
    aggregator.registerAdapter(new ScriptedAdapter('whatsapp', { ...pushCapabilities, freshness: 'inferred', inferred: true }));
    aggregator.directory.link('alice', 'whatsapp', '+1555');
    aggregator.ingest('slack', [record({})]);
    aggregator.explain('alice');
    expect(aggregator.getPresenceStatistics().cache).toEqual({ hits: 1, misses: 0, hitRate: 1 });
  });

  it('restores, forgets and counts unrecognized native values', () => {
    const { aggregator } = setup();
    aggregator.restore('alice', { userId: 'alice', platform: 'slack', status: 'away', lastUpdated: new Date(0) }, Date.now());
    expect(aggregator.getAggregatedPresence('alice')).toBe('away');
    aggregator.ingest('slack', [record({ accountId: 'U2', status: 'unknown', rawStatus: 'weird', unrecognized: true })]);
    expect(aggregator.getPresenceStatistics().platforms.slack?.unrecognized).toBe(1);
    aggregator.forget('alice');
    expect(aggregator.getUserPresence('alice')).toEqual({});
  });

  it('rejects bad input with typed errors', async () => {
    const { aggregator } = setup({ maxBatch: 3 });
    expect(() => aggregator.areUsersAvailable(['a', 'b', 'c', 'd'])).toThrow(InvalidInputError);
    expect(() => aggregator.areUsersAvailable('alice' as unknown as string[])).toThrow(InvalidInputError);
    expect(() => aggregator.getUserPresence('')).toThrow(InvalidInputError);
    expect(() => aggregator.getUserPresence('alice', 'myspace')).toThrow(InvalidInputError);
    await expect(aggregator.initializePlatform('myspace', {})).rejects.toThrow(InvalidInputError);
    await expect(aggregator.startMonitoring(['teams'])).rejects.toThrow(PresenceError);
    expect(aggregator.areUsersAvailable([])).toEqual({});
  });

  it('initializes platforms through factories and reports failures as false', async () => {
    const good = new ScriptedAdapter('zoom');
    const bad = new ScriptedAdapter('teams');
    bad.connectError = new PresenceError('AUTH_INVALID', 'bad secret');
    const aggregator = new PresenceAggregator({ adapterFactories: { zoom: () => good, teams: () => bad } });
    expect(await aggregator.initializePlatform('zoom', {})).toBe(true);
    expect(await aggregator.initializePlatform('teams', {})).toBe(false);
    expect(await aggregator.initializePlatform('slack', {})).toBe(false);
    expect(bad.closed).toBe(true);
    expect(aggregator.platforms()).toEqual(['zoom']);
    expect(aggregator.getPresenceStatistics().platforms.teams?.lastError?.code).toBe('AUTH_INVALID');
    await expect(aggregator.connectPlatform('slack', {})).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});

describe('PresenceAggregator on its fixed-slot table (issue 13)', () => {
  it('writes another cache port through, and answers from its own table', () => {
    const written: string[] = [];
    const port = {
      get: () => undefined,
      entries: () => [],
      set: (userId: string, platform: string, entry: { record: { status: string } }) => written.push(`set ${userId} ${platform} ${entry.record.status}`),
      delete: (userId: string, platform?: string) => written.push(`delete ${userId} ${platform ?? '*'}`),
      userIds: () => [][Symbol.iterator](),
      size: () => 0,
    };
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler(), cache: port });
    aggregator.directory.link('alice', 'slack', 'U1');
    aggregator.ingest('slack', [{ platform: 'slack', accountId: 'U1', status: 'online', observedAt: new Date() }]);
    // The port itself never holds anything here: the answer comes from the aggregator's table.
    expect(aggregator.getAggregatedPresence('alice')).toBe('online');
    aggregator.forget('alice', 'slack');
    expect(written).toEqual(['set alice slack online', 'delete alice slack']);
  });

  it('announces aggregates for a thousand people across six platforms from their slots alone', () => {
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler() });
    const platforms = ['discord', 'slack', 'teams', 'zoom'] as const;
    for (const platform of platforms) aggregator.registerAdapter(new ScriptedAdapter(platform));
    for (let i = 0; i < 1_000; i++) for (const platform of platforms) aggregator.directory.link(`p${i}`, platform, `${platform}-${i}`);
    const heard = new Map<string, string>();
    aggregator.addAggregateListener((userId, change) => heard.set(userId, `${change.status}:${change.decidedBy}`));
    const at = Date.now();
    aggregator.ingest('slack', Array.from({ length: 1_000 }, (_, i) => ({ platform: 'slack' as const, accountId: `slack-${i}`, status: 'away' as const, observedAt: new Date(at) })));
    aggregator.ingest('zoom', Array.from({ length: 1_000 }, (_, i) => ({ platform: 'zoom' as const, accountId: `zoom-${i}`, status: i % 2 ? ('busy' as const) : ('online' as const), observedAt: new Date(at) })));
    expect(heard.size).toBe(1_000);
    expect(heard.get('p0')).toBe('online:zoom');
    expect(heard.get('p1')).toBe('busy:zoom');
    expect(aggregator.areUsersAvailable(['p0', 'p1', 'p999'])).toEqual({ p0: true, p1: false, p999: false });
  });
});
