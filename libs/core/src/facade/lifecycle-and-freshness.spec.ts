import type { PlatformPresence } from '../model/presence';
import { TimerScheduler } from '../ports/scheduler';
import { PresenceAggregator } from './presence-aggregator';
import { ScriptedAdapter, transient } from './scripted-adapter.spec-helper';

const pushCapabilities = { freshness: 'push', poll: false, push: true, inferred: false, batchSize: 1, rateBudgets: [], fields: [] } as const;
const slackCapabilities = {
  freshness: 'poll', poll: true, push: false, inferred: false, batchSize: 1, idsPerMinute: 50, rateBudgets: [], fields: [],
} as const;

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

const reading = (accountId: string, status: PlatformPresence['status'], at: number, extra: Partial<PlatformPresence> = {}): PlatformPresence => ({
  platform: 'teams',
  accountId,
  status,
  observedAt: new Date(at),
  ...extra,
});

describe('issue 12: freshness, lifecycles and listeners in the facade', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-15T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('a polled record that can no longer be re-read goes stale within max(TTL, 2 x real sweep), not minutes later', async () => {
    // One Slack person, PRESENCE_CACHE_TTL=5 s, a 2 s interval, Slack then answering 503.
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler(), pollIntervalMs: 2_000, cacheTtlMs: 5_000 });
    const slack = new ScriptedAdapter('slack', slackCapabilities);
    aggregator.registerAdapter(slack);
    aggregator.directory.link('alice', 'slack', 'U1');
    const heard: unknown[] = [];
    aggregator.addAggregateListener((_userId, change) => heard.push([change.status, change.byTime]));
    slack.statuses.set('U1', 'online');
    await aggregator.startMonitoring(['slack']);
    await flush();
    expect(aggregator.explain('alice')).toMatchObject({ status: 'online', decidedBy: 'slack' });
    slack.failWith = transient();
    await jest.advanceTimersByTimeAsync(4_999);
    expect(aggregator.explain('alice').platforms.slack?.stale).toBe(false);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(aggregator.explain('alice').platforms.slack?.stale).toBe(true);
    expect(aggregator.explain('alice')).toMatchObject({ status: 'unknown', decidedBy: null });
    // The reading's change came from data; going stale, from time alone (every instance of a cluster finds it).
    expect(heard).toEqual([
      ['online', undefined],
      ['unknown', true],
    ]);
    await aggregator.close();
  });

  it('stopMonitoring stops push for real (stopPush, nothing applied after), and start brings it back', async () => {
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler() });
    const discord = new ScriptedAdapter('discord', pushCapabilities);
    aggregator.registerAdapter(discord);
    aggregator.directory.link('alice', 'discord', 'D1');
    await aggregator.startMonitoring(['discord']);
    discord.sink?.presence({ platform: 'discord', accountId: 'D1', status: 'online', observedAt: new Date() });
    expect(aggregator.explain('alice')).toMatchObject({ status: 'online' });

    await aggregator.stopMonitoring(['discord']);
    expect(discord.pushStops).toBe(1);
    // An adapter that still delivers after stop changes nothing, and no confirmation keeps the record fresh.
    discord.sink?.presence({ platform: 'discord', accountId: 'D1', status: 'busy', observedAt: new Date() });
    expect(aggregator.explain('alice').platforms.discord).toMatchObject({ status: 'online', stale: true });
    expect(aggregator.connectionState('discord')).toBe('down');

    await aggregator.startMonitoring(['discord']);
    expect(discord.pushStarts).toBe(2);
    discord.sink?.presence({ platform: 'discord', accountId: 'D1', status: 'busy', observedAt: new Date() });
    expect(aggregator.explain('alice')).toMatchObject({ status: 'busy', decidedBy: 'discord' });
    await aggregator.close();
  });

  it('compares sequence numbers only within one scope: a restored high sequence never blocks newer readings', () => {
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler() });
    aggregator.registerAdapter(new ScriptedAdapter('teams', pushCapabilities));
    aggregator.directory.link('alice', 'teams', 'T1');
    const now = Date.now();
    // The snapshot of the previous run: sequence 900 from that run's subscription.
    aggregator.restore('alice', { userId: 'alice', platform: 'teams', status: 'online', lastUpdated: new Date(now - 60_000), sequence: '900' }, now - 60_000);
    aggregator.ingest('teams', [reading('T1', 'busy', now - 1_000, { sequence: '005', sequenceScope: 'run-2' })]);
    expect(aggregator.getUserPresence('alice').teams).toMatchObject({ status: 'busy' });
    // Within one scope, an older sequence is older, whatever its time says.
    aggregator.ingest('teams', [reading('T1', 'away', now, { sequence: '004', sequenceScope: 'run-2' })]);
    expect(aggregator.getUserPresence('alice').teams).toMatchObject({ status: 'busy' });
    // A new scope (a new subscription) starts its own count: time decides.
    aggregator.ingest('teams', [reading('T1', 'away', now, { sequence: '001', sequenceScope: 'run-3' })]);
    expect(aggregator.getUserPresence('alice').teams).toMatchObject({ status: 'away' });
  });

  it('names linked, monitored platforms without a reading as awaiting, so "linked, no data" differs from "not linked"', () => {
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler() });
    aggregator.directory.link('alice', 'whatsapp', '4915550001');
    aggregator.directory.link('alice', 'slack', 'U1');
    aggregator.ingest('slack', [{ platform: 'slack', accountId: 'U1', status: 'online', observedAt: new Date() }]);
    expect(aggregator.explain('alice').awaiting).toEqual(['whatsapp']);
    expect(aggregator.explain('nobody').awaiting).toEqual([]);
    // Opted out of WhatsApp: not monitored, so not awaited either.
    const optedOut = new PresenceAggregator({ scheduler: new TimerScheduler(), preferences: () => ({ optedOutPlatforms: ['whatsapp'] }) });
    optedOut.directory.link('alice', 'whatsapp', '4915550001');
    expect(optedOut.explain('alice').awaiting).toEqual([]);
  });

  it('contains an async listener that rejects: logged, counted, the other listener still hears, nothing crashes', async () => {
    const warnings: string[] = [];
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler(), logger: { warn: (message) => warnings.push(message) } });
    aggregator.directory.link('alice', 'slack', 'U1');
    const heard: string[] = [];
    aggregator.addPresenceListener(async () => {
      throw new Error('database is gone');
    });
    aggregator.addPresenceListener((userId, _platform, presence) => heard.push(`${userId}:${presence.status}`));
    aggregator.ingest('slack', [{ platform: 'slack', accountId: 'U1', status: 'online', observedAt: new Date() }]);
    await flush();
    expect(heard).toEqual(['alice:online']);
    expect(warnings).toEqual(['a presence listener failed: database is gone']);
    expect(aggregator.getPresenceStatistics().listenerFailures).toBe(1);
  });

  it('pollSoon brings the next poll forward once, however many people are linked in a row', async () => {
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler(), pollIntervalMs: 30_000 });
    const slack = new ScriptedAdapter('slack');
    aggregator.registerAdapter(slack);
    aggregator.directory.link('alice', 'slack', 'U1');
    await aggregator.startMonitoring(['slack']);
    await flush();
    expect(slack.calls).toHaveLength(1);
    for (const [index, id] of ['U2', 'U3', 'U4'].entries()) {
      aggregator.directory.link(`p${index}`, 'slack', id);
      aggregator.pollSoon('slack');
    }
    await jest.advanceTimersByTimeAsync(1_000);
    expect(slack.calls).toEqual([['U1'], ['U1', 'U2', 'U3', 'U4']]);
    // The loop then keeps its interval from that poll.
    await jest.advanceTimersByTimeAsync(29_999);
    expect(slack.calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(slack.calls).toHaveLength(3);
    await aggregator.close();
  });

  it('polls start to start: a step that paces its reads for 20 s of a 30 s interval does not stretch the sweep', async () => {
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler(), pollIntervalMs: 30_000 });
    const zoom = new ScriptedAdapter('zoom');
    const fetch = zoom.fetchPresence.bind(zoom);
    const started: number[] = [];
    zoom.fetchPresence = async (ids) => {
      started.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      return fetch(ids);
    };
    aggregator.registerAdapter(zoom);
    aggregator.directory.link('alice', 'zoom', 'Z1');
    const t0 = Date.now();
    await aggregator.startMonitoring(['zoom']);
    await jest.advanceTimersByTimeAsync(95_000);
    expect(started.map((at) => at - t0)).toEqual([0, 30_000, 60_000, 90_000]);
    // close() waits for the step in flight.
    const closing = aggregator.close();
    await jest.advanceTimersByTimeAsync(20_000);
    await closing;
  });

  it('aggregate changes carry the previous status (null the first time)', () => {
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler() });
    aggregator.directory.link('alice', 'slack', 'U1');
    const heard: unknown[] = [];
    aggregator.addAggregateListener((userId, change) => heard.push([userId, change.previousStatus, change.status, change.policy]));
    const at = Date.now();
    aggregator.ingest('slack', [{ platform: 'slack', accountId: 'U1', status: 'online', observedAt: new Date(at) }]);
    aggregator.ingest('slack', [{ platform: 'slack', accountId: 'U1', status: 'away', observedAt: new Date(at + 1) }]);
    expect(heard).toEqual([
      ['alice', null, 'online', 'highest-priority'],
      ['alice', 'online', 'away', 'highest-priority'],
    ]);
    // The answer names the policy that decided it: the service default, or the person's own.
    expect(aggregator.explain('alice').policy).toBe('highest-priority');
    const own = new PresenceAggregator({ scheduler: new TimerScheduler(), preferences: () => ({ policy: 'busy-wins' }) });
    expect(own.explain('bob').policy).toBe('busy-wins');
  });
});
