import type { PushSink, RateBudgetSpec } from '@amo/presence-core';
import { RateBudgetRegistry } from '../../http/rate-budget';
import type { AdapterContractSuite } from './contract-types';
import { connectionsAfterClose, defaultTuning, delay, leaksAfterClose, settledResources, violation, withHarness } from './harness';

/** The budget check's scaled-down limits: small enough to hit in a second, same for client and emulator. */
const BUDGET_LIMIT = 3;
const BUDGET_WINDOW_MS = 400;
/** The emulator measures a shorter window than the client's, so network jitter between take and arrival never counts. */
const EMULATOR_WINDOW_MS = 320;

/**
 * Never exceeds the declared budget while fetching many ids: the suite pre-defines each declared bucket, scaled down,
 * in the registry the harness passes as deps.budgets, makes the emulator enforce the same limit, and fetches in
 * concurrent waves until the buckets have been asked for several windows' worth.
 */
export async function checkBudget(suite: AdapterContractSuite): Promise<void> {
  const declared: readonly RateBudgetSpec[] = await withHarness(suite, async (h) => h.adapter.capabilities.rateBudgets);
  if (declared.length === 0) throw violation('budget', 'the adapter declares no rate budget to check');
  const registry = new RateBudgetRegistry();
  for (const spec of declared) registry.define({ bucket: spec.bucket, limit: Math.min(spec.limit, BUDGET_LIMIT), windowMs: BUDGET_WINDOW_MS });
  await withHarness(
    suite,
    async ({ adapter, emulator, knownIds, budgetMatchers }) => {
      if (declared.length > 1 && !budgetMatchers) throw new Error('harness declares several buckets but gives no budgetMatchers');
      emulator.reset();
      for (const spec of declared) {
        const limit = registry.get(spec.bucket)?.spec.limit ?? BUDGET_LIMIT;
        emulator.budget(spec.bucket, limit, EMULATOR_WINDOW_MS, budgetMatchers?.[spec.bucket]);
      }
      const target = BUDGET_LIMIT * 3 + 1;
      for (let wave = 0; wave < 8 && emulator.requests.length < target; wave++) {
        await Promise.allSettled([1, 2, 3, 4, 5, 6].map(() => adapter.fetchPresence(knownIds)));
      }
      const over = emulator.overBudgetCount();
      if (over > 0) {
        throw violation('budget', `${over} request(s) over the declared budget (of ${emulator.requests.length}): the adapter does not pace through deps.budgets`);
      }
      if (emulator.requests.length <= BUDGET_LIMIT) {
        throw violation('budget', `only ${emulator.requests.length} request(s) in 8 waves of fetches: the budget was never exercised`);
      }
    },
    defaultTuning(registry),
  );
}

/** After an outage (breaker possibly open) the adapter serves again once the platform recovers. */
export async function checkRecovery(suite: AdapterContractSuite): Promise<void> {
  await withHarness(suite, async ({ adapter, emulator, knownIds, errorReplies }, tuning) => {
    emulator.reset();
    emulator.faults.failNext(Infinity, errorReplies?.serverError ?? { status: 503, json: { error: 'outage' } });
    for (let i = 0; i < tuning.breaker.failureThreshold; i++) {
      await adapter.fetchPresence(knownIds.slice(0, 1)).catch(() => undefined);
    }
    emulator.faults.clear();
    const deadline = Date.now() + tuning.breaker.cooldownMs + 3_000;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const result = await adapter.fetchPresence(knownIds);
        if (result.records.length !== knownIds.length) {
          throw violation('recovery', `recovered but returned ${result.records.length} of ${knownIds.length} records`);
        }
        const breaker = adapter.health?.().breaker;
        if (breaker !== undefined && breaker !== 'closed') throw violation('recovery', `served again but breaker reads ${breaker}`);
        return;
      } catch (error) {
        if (error instanceof Error && error.name === 'ContractViolation') throw error;
        last = error;
        await delay(50);
      }
    }
    throw violation('recovery', `still failing ${tuning.breaker.cooldownMs + 3_000} ms after the platform recovered: ${String(last)}`);
  });
}

const quietSink: PushSink = { presence: () => undefined, connection: () => undefined };

/** close() releases every timer and socket the adapter opened (and may be called twice). */
export async function checkClose(suite: AdapterContractSuite): Promise<void> {
  const baseline = await settledResources();
  let emulatorSockets = 0;
  await withHarness(suite, async ({ adapter, emulator, knownIds }) => {
    if (adapter.capabilities.poll) await adapter.fetchPresence(knownIds);
    if (adapter.capabilities.push && adapter.startPush) {
      // The race's own timer is cleared at once, so it never shows up as the adapter's leak.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)));
      await Promise.race([adapter.startPush(quietSink).catch(() => undefined), giveUp]);
      clearTimeout(timer);
    }
    await adapter.close();
    await adapter.close();
    emulatorSockets = await connectionsAfterClose(emulator);
  });
  if (emulatorSockets > 0) throw violation('close', `${emulatorSockets} connection(s) to the platform still open after close()`);
  const leaks = await leaksAfterClose(baseline);
  if (leaks.length > 0) throw violation('close', `handles left after close(): ${leaks.join(', ')}`);
}
