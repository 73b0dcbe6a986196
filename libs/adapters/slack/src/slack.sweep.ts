import type { AdapterCapabilities, PresenceField, RateBudgetSpec } from '@amo/presence-core';

/** The three budgets a sweep spends, as the registry actually holds them (an operator may tighten them). */
export interface SlackSweepBudgets {
  presence: RateBudgetSpec;
  dnd: RateBudgetSpec;
  profile: RateBudgetSpec;
}

export interface SlackSweepOptions {
  /** The poll interval the adapter was configured with; the planner uses it until it has seen two steps. */
  intervalMs: number;
  readDnd: boolean;
  readProfiles: boolean;
}

export type SlackMethodKey = keyof SlackSweepBudgets;

/** Ids in the order the sweep should read them: never read first, then least recently read; duplicates dropped. */
export function sweepOrder(ids: readonly string[], lastRead: ReadonlyMap<string, number>): string[] {
  const unique = [...new Set(ids)];
  return unique
    .map((id, index) => ({ id, index, at: lastRead.get(id) ?? -Infinity }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map((entry) => entry.id);
}

/** A method's calls per `intervalMs` at its tier's steady rate, fractional: `limit × interval ÷ window`, at most `limit`. */
export function callsPerInterval(spec: RateBudgetSpec, intervalMs: number): number {
  return Math.min(spec.limit, (spec.limit * Math.max(0, intervalMs)) / spec.windowMs);
}

/** The shortest gap between two steps taken for the monitor's poll interval. */
export const MIN_POLL_INTERVAL_MS = 1_000;

/** Whole calls in a fractional share; the epsilon keeps 0.333… + 1.666… from flooring to 1 by rounding error. */
function wholeCalls(share: number): number {
  return Math.floor(share + 1e-9);
}

/**
 * Plans each method at its own cadence, by time: a step may make the calls its method earns over one poll
 * interval at the tier's steady rate, the fraction carried to the next step (50/min at a 2 s interval is 1, 2, 2,
 * 1, 2, 2... reads, exactly 50 a minute). The interval is the time really seen between steps (the configured one
 * until two steps were seen; calls less than a second apart reuse the last), so a runtime interval change resizes steps.
 */
export class SlackSweepPacer {
  private intervalMs: number;
  private lastGapMs: number;
  private lastStepAt: number | undefined;
  private readonly carry: Record<SlackMethodKey, number> = { presence: 0, dnd: 0, profile: 0 };

  constructor(
    private readonly budgets: SlackSweepBudgets,
    configuredIntervalMs: number,
  ) {
    this.intervalMs = configuredIntervalMs;
    this.lastGapMs = configuredIntervalMs;
  }

  /** Starts a step at `now`; returns the interval the step is planned for. */
  beginStep(now: number): number {
    const gap = this.lastStepAt === undefined ? 0 : now - this.lastStepAt;
    // A gap under a second is no poll interval (a burst of calls from a caller of its own): it leaves the estimate be.
    // The smaller of the last two gaps: one long gap (a paused monitor, an open breaker) must not make the next step
    // burst the window; a slower interval is taken once seen twice, a faster one at once.
    if (gap >= MIN_POLL_INTERVAL_MS) {
      this.intervalMs = Math.min(gap, this.lastGapMs);
      this.lastGapMs = gap;
    }
    this.lastStepAt = now;
    return this.intervalMs;
  }

  /** The interval the planner currently assumes (ms). */
  interval(): number {
    return this.intervalMs;
  }

  /** Whole calls `method` may make in this step. */
  allowance(method: SlackMethodKey): number {
    return wholeCalls(this.share(method));
  }

  /** Records what a step spent: a full allowance carries its fraction on; a cut one (no room, no ids) carries nothing. */
  spent(method: SlackMethodKey, calls: number): void {
    const share = this.share(method);
    const allowed = wholeCalls(share);
    this.carry[method] = calls >= allowed ? Math.max(0, share - allowed) : 0;
  }

  private share(method: SlackMethodKey): number {
    const spec = this.budgets[method];
    return Math.min(spec.limit, this.carry[method] + callsPerInterval(spec, this.intervalMs));
  }
}

/** Presence reads per minute the presence budget allows: the rate of a full sweep, whatever the interval. */
export function presenceIdsPerMinute(budgets: SlackSweepBudgets): number {
  return (budgets.presence.limit * 60_000) / budgets.presence.windowMs;
}

/** Capabilities that tell the truth about this configuration: the presence rate sets core's TTL floor. */
export function slackCapabilities(
  budgets: SlackSweepBudgets,
  options: SlackSweepOptions,
  push: boolean,
  rateBudgets: readonly RateBudgetSpec[],
): AdapterCapabilities {
  const fields: PresenceField[] = ['activity'];
  if (options.readProfiles || push) fields.push('customMessage');
  fields.push('expiresAt');
  return {
    freshness: 'poll',
    poll: true,
    push,
    inferred: false,
    batchSize: 1,
    idsPerMinute: presenceIdsPerMinute(budgets),
    rateBudgets,
    fields,
  };
}
