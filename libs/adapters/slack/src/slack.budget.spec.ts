import { createSlackAdapter, type SlackAdapter } from './slack.adapter';
import { SLACK_BUDGET_SPECS } from './slack.manifest';
import { SlackEmulator } from './testing';

const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);
const PRESENCE_PER_MINUTE = SLACK_BUDGET_SPECS.presence.limit;

/** The longest any person waited between two presence reads, from the emulator's own log of requests. */
function longestGap(emulator: SlackEmulator, from = T0): number {
  const last = new Map<string, number>();
  let longest = 0;
  for (const req of emulator.calls('users.getPresence')) {
    const user = req.query.user;
    const before = last.get(user);
    if (before !== undefined && before >= from) longest = Math.max(longest, req.at - before);
    last.set(user, req.at);
  }
  return longest;
}

/** Slack's optimum: everyone each interval while N fits in one interval's 50/min share, else N ÷ 50 minutes. */
function optimumMs(people: number, intervalMs: number): number {
  return Math.max(intervalMs, (people * 60_000) / PRESENCE_PER_MINUTE);
}

/** The same optimum when reads can only happen when the monitor polls: whole intervals. */
function gridOptimumMs(people: number, intervalMs: number): number {
  return intervalMs * Math.ceil(optimumMs(people, intervalMs) / intervalMs);
}

describe('Slack sweep within the published tiers (users.getPresence 50/min, dnd.teamInfo 20/min, users.profile.get 100/min)', () => {
  let emulator: SlackEmulator;
  let adapter: SlackAdapter;

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0 });
    emulator = await SlackEmulator.start({ keepAlive: true });
  });

  afterEach(async () => {
    await adapter?.close();
    await emulator.close();
    jest.useRealTimers();
  });

  /** Polls like core's monitor (one step, then the interval) for `durationMs`, with `intervalMs` possibly changing. */
  async function drive(ids: string[], intervalMs: number, durationMs: number): Promise<void> {
    const end = Date.now() + durationMs;
    while (Date.now() < end) {
      await adapter.fetchPresence(ids);
      await jest.advanceTimersByTimeAsync(intervalMs);
    }
  }

  const cases = [
    { people: 4, intervalMs: 2_000 },
    { people: 100, intervalMs: 2_000 },
    { people: 1_000, intervalMs: 2_000 },
  ];

  it.each(cases)('N = $people at a $intervalMs ms interval: longest gap within 10% of the optimum, zero 429s', async ({ people, intervalMs }) => {
    const ids = emulator.addUsers(people);
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, pollIntervalMs: intervalMs });
    const optimum = optimumMs(people, intervalMs);
    await drive(ids, intervalMs, Math.max(3 * optimum, 60_000));
    const gap = longestGap(emulator);
    const grid = gridOptimumMs(people, intervalMs);
    const line =
      `slack budget N=${people} interval=${intervalMs}ms: longest presence gap ${gap / 1000}s, optimum ${optimum / 1000}s ` +
      `(ratio ${(gap / optimum).toFixed(3)}), on the poll grid ${grid / 1000}s (ratio ${(gap / grid).toFixed(3)}); ` +
      `calls: presence ${emulator.calls('users.getPresence').length}, dnd ${emulator.calls('dnd.teamInfo').length}, ` +
      `profile ${emulator.calls('users.profile.get').length}; 429s ${emulator.overBudgetCount()}`;
    process.stdout.write(`${line}\n`);
    // Reads happen when the monitor polls, so the best any schedule can do is the optimum rounded up to whole
    // intervals; it equals Slack's N ÷ 50 minutes whenever that is a whole number of intervals (100 and 1,000 here).
    expect(gap / grid).toBeLessThanOrEqual(1.1);
    if (grid === optimum) expect(gap / optimum).toBeLessThanOrEqual(1.1);
    expect(emulator.overBudgetCount()).toBe(0);
    // Every method ran at its own cadence: DND and status kept up without holding presence back.
    expect(emulator.calls('dnd.teamInfo').length).toBeGreaterThan(0);
    expect(emulator.calls('users.profile.get').length).toBeGreaterThan(0);
  }, 60_000);

  it('dnd.teamInfo (Tier 2) running dry never stops presence reads: four people at 2 s, as in issue 12', async () => {
    const ids = emulator.addUsers(4);
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, pollIntervalMs: 2_000 });
    await drive(ids, 2_000, 120_000);
    const presenceTimes = emulator.calls('users.getPresence').map((req) => req.at);
    const pauses = presenceTimes.slice(1).map((at, i) => at - presenceTimes[i]);
    // Presence is read at every or every other poll; before, the whole sweep stopped for ~26 s when DND ran dry.
    expect(Math.max(...pauses)).toBeLessThanOrEqual(2_000);
    expect(presenceTimes.length).toBeGreaterThanOrEqual(2 * PRESENCE_PER_MINUTE - 1);
    expect(emulator.calls('dnd.teamInfo').length).toBeLessThanOrEqual(2 * SLACK_BUDGET_SPECS.dnd.limit);
    expect(emulator.overBudgetCount()).toBe(0);
  }, 30_000);

  it('a person just linked is read by the next normal step, first in the round robin', async () => {
    const ids = emulator.addUsers(4);
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, pollIntervalMs: 2_000 });
    await drive(ids, 2_000, 60_000);
    const linked = emulator.addUser('UNEWLINK').id;
    const { records } = await adapter.fetchPresence([...ids, linked]);
    expect(records[0]?.accountId).toBe(linked);
    expect(emulator.calls('users.getPresence').filter((req) => req.query.user === linked)).toHaveLength(1);
    expect(emulator.overBudgetCount()).toBe(0);
  }, 30_000);

  it('follows the interval the monitor really polls at, not the one it was configured with', async () => {
    const ids = emulator.addUsers(100);
    // Configured for 2 s (a step's share: 1.67 reads), polled every 30 s: steps must grow to 25 reads.
    adapter = createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, pollIntervalMs: 2_000 });
    await drive(ids, 30_000, 8 * 60_000);
    const settled = T0 + 2 * 30_000;
    const gap = longestGap(emulator, settled);
    process.stdout.write(`slack budget N=100 configured 2 s, polled every 30 s: longest gap ${gap / 1000}s, optimum ${optimumMs(100, 30_000) / 1000}s\n`);
    expect(gap / optimumMs(100, 30_000)).toBeLessThanOrEqual(1.1);
    // Everyone was read again and again: 50 a minute after the first two steps (a 2 s-sized step would read 2 a minute).
    expect(emulator.calls('users.getPresence').length).toBeGreaterThanOrEqual(7 * PRESENCE_PER_MINUTE);
    expect(emulator.overBudgetCount()).toBe(0);
  }, 30_000);
});
