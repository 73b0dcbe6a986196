import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { ManualClock } from './__fixtures__/manual-clock';
import { createTeamsAdapter, type TeamsAdapter } from './teams.adapter';
import { teamsPresenceBucket, TEAMS_PRESENCE_BUDGET } from './teams.manifest';
import { GraphEmulator } from './testing';

/** Resolves with the value, or rejects when it does not settle within `ms` of real time (fake time stands still). */
// Generous on real time (a loaded machine moves 10,000 ids slowly); a wait for budget on fake time never ends.
function within<T>(promise: Promise<T>, ms = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms without time passing`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('TeamsAdapter reads within the Graph budget (1,500 requests / 30 s per app per tenant), on fake time', () => {
  let clock: ManualClock;
  let emulator: GraphEmulator;
  let budgets: RateBudgetRegistry;
  let adapter: TeamsAdapter;

  beforeEach(async () => {
    clock = new ManualClock();
    emulator = await GraphEmulator.start({ clock });
    budgets = new RateBudgetRegistry(clock);
    adapter = createTeamsAdapter({ credentials: emulator.credentials(), maxRetries: 0 }, { clock, budgets });
  });
  afterEach(async () => {
    await adapter.close();
    await emulator.close();
  });

  const idsPerCall = (from: number) => emulator.presenceBatchRequests().slice(from).map((req) => (req.body as { ids: string[] }).ids.length);

  it('onboarding: 10,000 tracked and 500 newly linked, read one by one at once and by the sweep, cost 17 batch calls of up to 650, zero 429s, one sweep', async () => {
    const known = emulator.addUsers(10_000);
    adapter.setTrackedIds(known);
    expect((await within(adapter.fetchPresence(known))).records).toHaveLength(10_000);
    const linked = emulator.addUsers(500);
    const all = [...known, ...linked];
    adapter.setTrackedIds(all);
    const before = emulator.presenceBatchRequests().length;
    // What linking did (a read per new account) and the next sweep, in the same moment: they share batches.
    const singles = linked.map((id) => adapter.fetchPresence([id]));
    const sweep = await within(adapter.fetchPresence(all));
    const firstReads = await within(Promise.all(singles));
    const calls = idsPerCall(before);
    expect(calls).toHaveLength(Math.ceil(10_500 / 650));
    expect(Math.max(...calls)).toBe(650);
    expect(calls.reduce((sum, n) => sum + n, 0)).toBe(10_500);
    expect(emulator.server.requests.filter((req) => req.path !== '/v1.0/communications/getPresencesByUserId' && !req.path.endsWith('/token'))).toEqual([]);
    expect(sweep.records).toHaveLength(10_500);
    expect(firstReads.every((result, i) => result.records.length === 1 && result.records[0].accountId === linked[i])).toBe(true);
    expect(emulator.overBudgetCount()).toBe(0);
  }, 60_000);

  it('skips the batches the budget has no room for right now instead of waiting: the rest are read at once, the skipped ones next sweep', async () => {
    const ids = emulator.addUsers(10_000);
    // Another adapter of the same tenant, sharing the registry, has used all but 3 requests of the window.
    const bucket = budgets.define({ bucket: teamsPresenceBucket(emulator.tenant.tenantId), ...TEAMS_PRESENCE_BUDGET });
    for (let i = 0; i < TEAMS_PRESENCE_BUDGET.limit - 3; i++) bucket.tryTake();
    const before = emulator.presenceBatchRequests().length;
    const first = await within(adapter.fetchPresence(ids));
    expect(idsPerCall(before)).toEqual([650, 650, 650]);
    expect(first.records).toHaveLength(1_950);
    expect(first.notFound).toEqual([]);
    expect(emulator.overBudgetCount()).toBe(0);
    // No budget at all: nothing is read, the call says so at once (core keeps the last values, which age).
    await expect(within(adapter.fetchPresence(ids.slice(0, 10)))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await clock.advance(TEAMS_PRESENCE_BUDGET.windowMs);
    const next = await within(adapter.fetchPresence(ids));
    expect(next.records).toHaveLength(10_000);
    expect(emulator.overBudgetCount()).toBe(0);
  }, 60_000);
});
