import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { PresenceAggregator } from '@amo/presence-core';
import { eventually } from '@amo/presence-adapter-kit/testing';
import { ManualClock, ManualScheduler } from './__fixtures__/manual-clock';
import { createTeamsAdapter, type TeamsAdapter } from './teams.adapter';
import { TEAMS_MAX_IDS_PER_REQUEST, TEAMS_PRESENCE_BUDGET } from './teams.manifest';
import { GraphEmulator } from './testing';

const INTERVAL_MS = 30_000;
const SWEEPS = 5;

/**
 * The shortest period in which the budget lets every one of `people` be read: each read costs one call per 650 ids,
 * and the tenant allows 1,500 calls per 30 s; nobody is read more often than the poll interval.
 */
function optimumGapMs(people: number): number {
  const callsPerSweep = Math.ceil(people / TEAMS_MAX_IDS_PER_REQUEST);
  return Math.max(INTERVAL_MS, (callsPerSweep * TEAMS_PRESENCE_BUDGET.windowMs) / TEAMS_PRESENCE_BUDGET.limit);
}

describe('Teams sweeps through core\'s poll loop are budget-optimal (fake time, Graph limits: 650 ids a call, 1,500 calls / 30 s)', () => {
  let clock: ManualClock;
  let emulator: GraphEmulator;
  let adapter: TeamsAdapter;
  let aggregator: PresenceAggregator;

  afterEach(async () => {
    await aggregator.close();
    await emulator.close();
  });

  it.each([4, 100, 1_000, 10_000])('N = %i: the longest gap between two reads of anyone is within 10%% of the optimum, zero 429s', async (people) => {
    clock = new ManualClock();
    emulator = await GraphEmulator.start({ clock });
    adapter = createTeamsAdapter({ credentials: emulator.credentials() }, { clock, budgets: new RateBudgetRegistry(clock) });
    aggregator = new PresenceAggregator({ clock, scheduler: new ManualScheduler(clock), pollIntervalMs: INTERVAL_MS, consentDefault: true });
    const ids = emulator.addUsers(people);
    ids.forEach((id, index) => aggregator.directory.link(`person-${index}`, 'teams', id));
    aggregator.registerAdapter(adapter);
    const sweepsDone = () => {
      const stats = aggregator.getPresenceStatistics().platforms.teams;
      return (stats?.polls ?? 0) + (stats?.errors ?? 0);
    };
    await aggregator.startMonitoring(['teams']);
    for (let sweep = 1; sweep <= SWEEPS; sweep++) {
      await eventually(() => sweepsDone() >= sweep, { timeoutMs: 10_000 });
      if (sweep < SWEEPS) await clock.advance(INTERVAL_MS);
    }
    const reads = new Map<string, number[]>();
    for (const req of emulator.presenceBatchRequests()) {
      for (const id of (req.body as { ids: string[] }).ids) reads.set(id, [...(reads.get(id) ?? []), req.at]);
    }
    let longest = 0;
    for (const id of ids) {
      const times = reads.get(id) ?? [];
      expect(times).toHaveLength(SWEEPS);
      for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
    }
    const optimum = optimumGapMs(people);
    const ratio = longest / optimum;
    // The figure the README quotes as the real refresh period.
    process.stdout.write(`teams N=${people}: longest gap between reads ${longest} ms, optimum ${optimum} ms, ratio ${ratio.toFixed(3)}, calls per sweep ${Math.ceil(people / TEAMS_MAX_IDS_PER_REQUEST)}\n`);
    expect(ratio).toBeLessThanOrEqual(1.1);
    expect(emulator.overBudgetCount()).toBe(0);
  }, 60_000);
});
