import type { BudgetUse, RateBudgetSpec } from '@amo/presence-core';
import { PresenceError } from '@amo/presence-core';
import { type RateBudget, RateBudgetRegistry } from '@amo/presence-adapter-kit';

/**
 * What a Slack request meets when its method's budget has no room at this moment. Not retryable: the sweep skips
 * the method for this step and the next step tries again, so no request ever waits for a budget.
 */
export class SlackNoBudgetError extends PresenceError {
  override get retryable(): boolean {
    return false;
  }
}

/** Whether `error` is the sweep's own "no budget right now" (not a 429 from Slack). */
export function isNoBudget(error: unknown): boolean {
  return error instanceof SlackNoBudgetError;
}

/** A bucket whose `take()` is the kit's non-blocking `tryTake()`: it counts a request if there is room, or throws. */
function tryOnly(budget: RateBudget): RateBudget {
  return {
    spec: budget.spec,
    async take(): Promise<void> {
      if (!budget.tryTake()) {
        throw new SlackNoBudgetError('RATE_LIMITED', `Slack: no ${budget.spec.bucket} budget left right now`, { platform: 'slack' });
      }
    },
    tryTake: () => budget.tryTake(),
    availableInMs: () => budget.availableInMs(),
    pauseUntil: (epochMs) => budget.pauseUntil(epochMs),
    use: () => budget.use(),
    pausedUntil: () => budget.pausedUntil(),
  };
}

/**
 * The registry the Slack client sees: the same buckets as `inner` (so everything sharing it counts together), but
 * a request never waits in `take()` for room. The kit's PlatformHttpClient always waits for budget; the sweep
 * must not (a budget wait would hold every other method's reads), so the client is handed this view.
 */
export class NonBlockingBudgets extends RateBudgetRegistry {
  constructor(private readonly inner: RateBudgetRegistry) {
    super();
  }

  override define(spec: RateBudgetSpec): RateBudget {
    return tryOnly(this.inner.define(spec));
  }

  override get(bucket: string): RateBudget | undefined {
    const budget = this.inner.get(bucket);
    return budget && tryOnly(budget);
  }

  override use(): BudgetUse[] {
    return this.inner.use();
  }
}

/** Requests a bucket can take right now without waiting (0 while a Retry-After pause holds it). */
export function roomNow(budget: RateBudget | undefined): number {
  if (!budget) return Infinity;
  if (budget.availableInMs() > 0) return 0;
  const use = budget.use();
  return Math.max(0, use.limit - use.used);
}
