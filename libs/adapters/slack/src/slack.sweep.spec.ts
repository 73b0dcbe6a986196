import { setTimeout as realDelay } from 'node:timers/promises';
import { effectiveTtlMs, PresenceAggregator } from '@amo/presence-core';
import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { createSlackAdapter, type SlackAdapter } from './slack.adapter';
import { SLACK_BUCKETS } from './slack.manifest';
import { callsPerInterval, stepAllowance, sweepOrder } from './slack.sweep';
import { type SlackEmulatorMethod, SlackEmulator } from './testing';

const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);
/**
 * Lets fake time pass one second per real millisecond or two until `promise` settles, so requests on the real
 * network land before the clock jumps past the waits they cause.
 */
async function drive<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    await realDelay(2);
    if (!settled) await jest.advanceTimersByTimeAsync(1_000);
  }
  return promise;
}

const METHODS: SlackEmulatorMethod[] = ['users.getPresence', 'dnd.teamInfo', 'users.profile.get', 'auth.test'];

describe('sweep planning', () => {
  it('orders ids never read first, then least recently read, without duplicates', () => {
    const lastRead = new Map([
      ['a', 300],
      ['b', 100],
    ]);
    expect(sweepOrder(['a', 'b', 'c', 'b', 'd'], lastRead)).toEqual(['c', 'd', 'b', 'a']);
  });

  it('spends an interval-sized share of each window, cut to the room left now', () => {
    const spec = { bucket: 'x', limit: 50, windowMs: 60_000 };
    expect(callsPerInterval(spec, 30_000)).toBe(25);
    expect(callsPerInterval(spec, 1_000)).toBe(1);
    expect(callsPerInterval(spec, 600_000)).toBe(50);
    const options = { readDnd: true, readProfiles: true };
    expect(stepAllowance(25, { presence: 50, dnd: 20, profile: 100 }, options)).toBe(25);
    expect(stepAllowance(25, { presence: 10, dnd: 20, profile: 100 }, options)).toBe(10);
    expect(stepAllowance(25, { presence: 50, dnd: 20, profile: 3 }, options)).toBe(3);
    expect(stepAllowance(25, { presence: 50, dnd: 0, profile: 100 }, options)).toBe(0);
    expect(stepAllowance(25, { presence: 50, dnd: 0, profile: 0 }, { readDnd: false, readProfiles: false })).toBe(25);
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

  it('sizes a step by the tightest budget: a 10/min status budget makes steps of 5 people', async () => {
    await adapter.close();
    const budgets = new RateBudgetRegistry();
    budgets.define({ bucket: SLACK_BUCKETS.profile, limit: 10, windowMs: 60_000 });
    emulator.server.budget('tight-profile', 10, 60_000, '/api/users.profile.get');
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl }, { budgets });
    expect(adapter.capabilities.idsPerMinute).toBe(10);
    for (let step = 0; step < 4; step++) {
      const { records } = await adapter.fetchPresence(ids);
      expect(records.map((r) => r.accountId)).toEqual(ids.slice(step * 5, step * 5 + 5));
      await jest.advanceTimersByTimeAsync(30_000);
    }
    expect(emulator.calls('users.profile.get')).toHaveLength(20);
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

  it('pauses the whole method on a 429 Retry-After and retries once, instead of a storm', async () => {
    // A long request timeout: fake time moves on while requests are in flight on the real network.
    await adapter.close();
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, timeoutMs: 600_000 });
    emulator.server.faults.rateLimitNext(1, 20, '/api/users.getPresence');
    const { records } = await drive(adapter.fetchPresence(ids));
    expect(records).toHaveLength(25);
    const presenceCalls = emulator.calls('users.getPresence');
    expect(presenceCalls).toHaveLength(26);
    // Only the requests already on the wire when the 429 arrived went out before Retry-After had passed.
    const early = presenceCalls.filter((req) => req.at < T0 + 20_000);
    expect(early.length).toBeLessThanOrEqual(4);
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
        while ((aggregator.getPresenceStatistics().platforms.slack?.polls ?? 0) < poll) await realDelay(1);
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
