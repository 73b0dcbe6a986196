import { TimerScheduler } from '../ports/scheduler';
import { PresenceAggregator } from './presence-aggregator';
import { ScriptedAdapter, transient } from './scripted-adapter.spec-helper';

const pushCapabilities = { freshness: 'push', poll: false, push: true, inferred: false, batchSize: 1, rateBudgets: [], fields: [] } as const;

function setup(): { aggregator: PresenceAggregator; slack: ScriptedAdapter; scheduler: TimerScheduler } {
  const scheduler = new TimerScheduler();
  const aggregator = new PresenceAggregator({ scheduler, polling: 'external', pollIntervalMs: 2_000, consentDefault: true });
  const slack = new ScriptedAdapter('slack');
  aggregator.registerAdapter(slack);
  aggregator.directory.link('alice', 'slack', 'U1');
  aggregator.directory.link('bob', 'slack', 'U2');
  slack.statuses.set('U1', 'online');
  return { aggregator, slack, scheduler };
}

describe('external polling: a driver runs batches through the loop\'s own poll path', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-15T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('starts no loop (no poll, no timer) while push still starts', async () => {
    const { aggregator, slack, scheduler } = setup();
    const discord = new ScriptedAdapter('discord', pushCapabilities);
    aggregator.registerAdapter(discord);
    await aggregator.startMonitoring();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(slack.calls).toEqual([]);
    expect(discord.pushStarts).toBe(1);
    expect(scheduler.pending().filter((name) => name.startsWith('presence:poll:'))).toEqual([]);
    aggregator.pollSoon('slack');
    await jest.advanceTimersByTimeAsync(5_000);
    expect(slack.calls).toEqual([]);
    await aggregator.close();
  });

  it('reads only the monitored ids of a batch, ingests what came back and says what it read', async () => {
    const { aggregator, slack } = setup();
    const heard: string[] = [];
    aggregator.addPresenceListener((userId, platform, presence) => heard.push(`${userId} ${platform} ${presence.status}`));
    await aggregator.startMonitoring(['slack']);
    const outcome = await aggregator.pollBatch('slack', ['U1', 'U2', 'U-erased']);
    expect(slack.calls).toEqual([['U1', 'U2']]);
    expect(outcome).toEqual({ read: ['U1'], notFound: ['U2'], skipped: ['U-erased'] });
    expect(heard).toEqual(['alice slack online']);
    expect(aggregator.getAggregatedPresence('alice')).toBe('online');
    const stats = aggregator.getPresenceStatistics().platforms.slack;
    expect(stats?.polls).toBe(1);
    expect(stats?.lastPollAt).toEqual(new Date('2026-01-15T12:00:00Z'));
    await aggregator.close();
  });

  it('counts an adapter failure exactly as the loop does and reports it in the outcome', async () => {
    const { aggregator, slack } = setup();
    await aggregator.startMonitoring(['slack']);
    slack.failWith = transient();
    const outcome = await aggregator.pollBatch('slack', ['U1']);
    expect(outcome).toEqual({ read: [], notFound: [], skipped: [], error: { code: 'TRANSIENT', message: 'platform said 503' } });
    const stats = aggregator.getPresenceStatistics().platforms.slack;
    expect(stats).toMatchObject({ polls: 0, errors: 1, lastError: { code: 'TRANSIENT', message: 'platform said 503' } });
    await aggregator.close();
  });

  it('polls nothing for a platform that is not monitored (stopped, or never started here)', async () => {
    const { aggregator, slack } = setup();
    expect(await aggregator.pollBatch('slack', ['U1'])).toMatchObject({ read: [], skipped: ['U1'], error: { code: 'UNSUPPORTED' } });
    await aggregator.startMonitoring(['slack']);
    await aggregator.stopMonitoring(['slack']);
    expect(await aggregator.pollBatch('slack', ['U1'])).toMatchObject({ read: [], skipped: ['U1'], error: { code: 'UNSUPPORTED' } });
    expect(slack.calls).toEqual([]);
    await aggregator.close();
  });

  it('an opted-out person is left out of a batch already planned', async () => {
    let consent = true;
    const aggregator = new PresenceAggregator({ scheduler: new TimerScheduler(), polling: 'external', preferences: () => ({ consent }) });
    const slack = new ScriptedAdapter('slack');
    aggregator.registerAdapter(slack);
    aggregator.directory.link('alice', 'slack', 'U1');
    slack.statuses.set('U1', 'online');
    await aggregator.startMonitoring(['slack']);
    consent = false;
    expect(await aggregator.pollBatch('slack', ['U1'])).toEqual({ read: [], notFound: [], skipped: ['U1'] });
    expect(slack.calls).toEqual([]);
    await aggregator.close();
  });
});
