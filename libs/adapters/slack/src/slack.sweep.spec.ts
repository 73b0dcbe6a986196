import { effectiveTtlMs, PresenceAggregator } from '@amo/presence-core';
import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { eventually } from '@amo/presence-adapter-kit/testing';
import { createSlackAdapter, type SlackAdapter } from './slack.adapter';
import { SLACK_BUCKETS } from './slack.manifest';
import { callsPerInterval, SlackSweepPacer, sweepOrder } from './slack.sweep';
import { type SlackEmulatorMethod, SlackEmulator } from './testing';

const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);
const METHODS: SlackEmulatorMethod[] = ['users.getPresence', 'dnd.teamInfo', 'users.profile.get', 'auth.test'];

describe('sweep planning', () => {
  it('orders ids never read first, then least recently read, without duplicates', () => {
    const lastRead = new Map([
      ['a', 300],
      ['b', 100],
    ]);
    expect(sweepOrder(['a', 'b', 'c', 'b', 'd'], lastRead)).toEqual(['c', 'd', 'b', 'a']);
  });

  it('earns each method its tier rate over the interval, carrying the fraction, and follows the interval seen', () => {
    const spec = { bucket: 'x', limit: 50, windowMs: 60_000 };
    expect(callsPerInterval(spec, 30_000)).toBe(25);
    expect(callsPerInterval(spec, 600_000)).toBe(50);
    const pacer = new SlackSweepPacer({ presence: spec, dnd: { bucket: 'd', limit: 20, windowMs: 60_000 }, profile: { bucket: 'p', limit: 100, windowMs: 60_000 } }, 2_000);
    const reads: number[] = [];
    for (let step = 0; step < 6; step++) {
      pacer.beginStep(step * 2_000);
      reads.push(pacer.allowance('presence'));
      pacer.spent('presence', pacer.allowance('presence'));
    }
    // 50 a minute at a 2 s interval: 1, 2, 2 per three steps, never 1 per step (30 a minute) as whole-read steps gave.
    expect(reads).toEqual([1, 2, 2, 1, 2, 2]);
    expect(pacer.allowance('dnd')).toBe(0);
    // The monitor slows to 30 s: taken once seen twice (one long gap may be a pause), then steps are 30 s sized.
    pacer.beginStep(10_000 + 30_000);
    expect(pacer.interval()).toBe(2_000);
    pacer.spent('presence', 0);
    pacer.beginStep(10_000 + 60_000);
    expect(pacer.interval()).toBe(30_000);
    expect(pacer.allowance('presence')).toBe(25);
    expect(pacer.allowance('dnd')).toBe(10);
    // And speeds up to 2 s again at once.
    pacer.beginStep(10_000 + 62_000);
    expect(pacer.allowance('presence')).toBe(1);
  });
});

describe('a 500-person sweep', () => {
  let emulator: SlackEmulator;
  let adapter: SlackAdapter;
  let ids: string[];

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0 });
    emulator = await SlackEmulator.start({ keepAlive: true });
    ids = emulator.addUsers(500);
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, pollIntervalMs: 30_000 });
  });

  afterEach(async () => {
    await adapter.close();
    await emulator.close();
    jest.useRealTimers();
  });

  it('reads everyone round-robin within every tier budget, each record carrying the time it was read', async () => {
    // Presence and DND; status reads are paced the same way (next test) and would double the requests here.
    await adapter.close();
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, readProfiles: false });
    const observed = new Map<string, number>();
    for (let step = 0; step < 20; step++) {
      const { records, notFound } = await adapter.fetchPresence(ids);
      expect(notFound).toEqual([]);
      expect(records).toHaveLength(25);
      for (const record of records) {
        expect(observed.has(record.accountId)).toBe(false);
        expect(record.observedAt.getTime()).toBe(T0 + step * 30_000);
        observed.set(record.accountId, record.observedAt.getTime());
      }
      await jest.advanceTimersByTimeAsync(30_000);
    }
    expect(observed.size).toBe(500);
    for (const method of METHODS) expect(emulator.overBudgetCount(method)).toBe(0);
    expect(emulator.calls('users.getPresence')).toHaveLength(500);
    expect(emulator.calls('dnd.teamInfo')).toHaveLength(20);
    // The sweep continues where it stopped: the people read longest ago come next.
    const next = await adapter.fetchPresence(ids);
    expect(next.records.map((r) => r.accountId)).toEqual(ids.slice(0, 25));
    // The declared rate matches the sweep, so core's TTL floor covers two full sweeps.
    expect(adapter.capabilities.idsPerMinute).toBe(50);
    expect(effectiveTtlMs(300_000, 500, adapter.capabilities.idsPerMinute)).toBe(20 * 60_000);
  }, 20_000);

  it('a tight status budget slows only status reads: presence keeps its own 25 per step', async () => {
    // Before issue 12 the tightest budget sized the whole step (5 people per step here, idsPerMinute 10).
    await adapter.close();
    const budgets = new RateBudgetRegistry();
    budgets.define({ bucket: SLACK_BUCKETS.profile, limit: 10, windowMs: 60_000 });
    emulator.server.budget('tight-profile', 10, 60_000, '/api/users.profile.get');
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl }, { budgets });
    expect(adapter.capabilities.idsPerMinute).toBe(50);
    for (let step = 0; step < 4; step++) {
      const { records } = await adapter.fetchPresence(ids);
      expect(records.map((r) => r.accountId)).toEqual(ids.slice(step * 25, step * 25 + 25));
      await jest.advanceTimersByTimeAsync(30_000);
    }
    // Status reads go round-robin at their own 5 per 30 s, the oldest status first.
    expect(emulator.calls('users.profile.get').map((req) => req.query.user)).toEqual(ids.slice(0, 20));
    expect(emulator.calls('dnd.teamInfo')).toHaveLength(4);
    expect(emulator.overBudgetCount()).toBe(0);
  });

  it('never queues into a 429: back-to-back calls read only what the window still has room for', async () => {
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) counts.push((await adapter.fetchPresence(ids)).records.length);
    expect(counts).toEqual([25, 25, 0, 0]);
    expect(emulator.calls('users.getPresence')).toHaveLength(50);
    expect(emulator.overBudgetCount()).toBe(0);
    expect(adapter.health().budgets.find((b) => b.bucket === SLACK_BUCKETS.presence)).toMatchObject({ used: 50, limit: 50 });
  });

  it('skips presence while a Retry-After holds it, without holding the step or the other methods', async () => {
    // Before issue 12 the step waited the 20 s out inside the request (and every worker behind it); now a
    // Retry-After longer than maxRetryWaitMs (5 s) pauses the method and the sweep goes on without it.
    emulator.server.faults.rateLimitNext(1, 20, '/api/users.getPresence');
    const first = await adapter.fetchPresence(ids);
    // Only the requests already on the wire when the 429 arrived were read; the step did not wait.
    expect(first.records.length).toBeLessThanOrEqual(3);
    expect(first.records.map((r) => r.observedAt.getTime())).toEqual(first.records.map(() => T0));
    const readFirst = first.records.map((r) => r.accountId);
    expect(emulator.calls('dnd.teamInfo').map((req) => req.query.users)).toEqual([readFirst.join(',')]);
    expect(emulator.calls('users.profile.get').map((req) => req.query.user).sort()).toEqual([...readFirst].sort());
    await jest.advanceTimersByTimeAsync(10_000);
    expect((await adapter.fetchPresence(ids)).records).toEqual([]);
    const during = emulator.calls('users.getPresence').length;
    await jest.advanceTimersByTimeAsync(10_000);
    const after = await adapter.fetchPresence(ids);
    // The person the 429 hit comes first once the pause is over.
    expect(after.records[0].accountId).toBe(ids[0]);
    expect(after.records.length).toBeGreaterThan(0);
    expect(emulator.calls('users.getPresence').length).toBeGreaterThan(during);
    expect(emulator.overBudgetCount()).toBe(0);
  });

  it('reads nobody while a long Retry-After holds the method, then resumes', async () => {
    await adapter.close();
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, concurrency: 1 });
    emulator.server.faults.rateLimitNext(1, 120, '/api/users.getPresence');
    await expect(adapter.fetchPresence(ids)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 120_000 });
    expect(await adapter.fetchPresence(ids)).toEqual({ records: [], notFound: [] });
    expect(emulator.calls('users.getPresence')).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(120_000);
    expect((await adapter.fetchPresence(ids)).records).toHaveLength(25);
    expect(emulator.calls('users.getPresence')).toHaveLength(26);
  });
});

describe('the core facade polling 500 Slack people', () => {
  it('keeps all of them fresh within the budget: the TTL floor is at least twice the sweep', async () => {
    jest.useFakeTimers({ now: T0 });
    const emulator = await SlackEmulator.start({ keepAlive: true });
    const ids = emulator.addUsers(500);
    // Presence only: the per-step pacing is the same, with half the requests of the test above.
    const adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, readDnd: false, readProfiles: false });
    const aggregator = new PresenceAggregator({ pollIntervalMs: 30_000, cacheTtlMs: 300_000 });
    ids.forEach((id, i) => aggregator.directory.link(`person-${i}`, 'slack', id));
    aggregator.registerAdapter(adapter);
    try {
      await aggregator.startMonitoring(['slack']);
      for (let poll = 1; poll <= 21; poll++) {
        await eventually(() => (aggregator.getPresenceStatistics().platforms.slack?.polls ?? 0) >= poll, { what: `poll ${poll}`, stepMs: 1 });
        await jest.advanceTimersByTimeAsync(30_000);
      }
      const explained = ids.map((_, i) => aggregator.explain(`person-${i}`));
      expect(explained.every((e) => e.platforms.slack?.status === 'online' && !e.platforms.slack.stale)).toBe(true);
      const ages = explained.map((e) => T0 + 21 * 30_000 - (e.platforms.slack?.lastUpdated.getTime() ?? 0));
      expect(Math.max(...ages)).toBeLessThanOrEqual(20 * 30_000);
      expect(emulator.overBudgetCount()).toBe(0);
    } finally {
      await aggregator.close();
      await emulator.close();
      jest.useRealTimers();
    }
  }, 20_000);
});
