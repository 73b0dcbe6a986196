import type { BudgetUse, RateBudgetSpec } from '@amo/presence-core';
import { sleep, timersOf, type TimerClock, type Timers } from './timers';

/**
 * One shared allowance: at most `spec.limit` requests in any sliding window of `spec.windowMs`.
 * Every caller of a bucket (all adapters' clients, all concurrent fetches) shares it.
 */
export interface RateBudget {
  readonly spec: RateBudgetSpec;
  /** Waits (timers via the clock) until the window has room, then counts one request. Rejects if `signal` aborts. */
  take(signal?: AbortSignal): Promise<void>;
  /** Counts one request if the window has room now; never waits. */
  tryTake(): boolean;
  /**
   * How long until one more request fits (0: it fits now), counting a Retry-After pause; never counts or waits.
   * A planner uses it to skip a method whose next slot lies beyond its step instead of waiting for it.
   */
  availableInMs(): number;
  /** Retry-After: every caller of this bucket waits until `epochMs`. Later pauses extend, earlier ones never shorten. */
  pauseUntil(epochMs: number): void;
  use(): BudgetUse;
  /** When the bucket is paused by a Retry-After, until when (epoch ms); undefined when not paused. */
  pausedUntil(): number | undefined;
}

/**
 * A sliding-window log rather than a token bucket: a token bucket lets a full bucket burst on top of the
 * previous window, which the platforms' fixed or sliding windows count as over the limit.
 */
class SlidingWindowBudget implements RateBudget {
  private readonly stamps: number[] = [];
  private pausedUntilMs = 0;

  constructor(
    readonly spec: RateBudgetSpec,
    private readonly timers: Timers,
  ) {}

  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.waitMs();
      if (wait <= 0) {
        this.stamps.push(this.timers.now());
        return;
      }
      await sleep(this.timers, wait, signal);
    }
  }

  tryTake(): boolean {
    if (this.waitMs() > 0) return false;
    this.stamps.push(this.timers.now());
    return true;
  }

  availableInMs(): number {
    return Math.max(0, this.waitMs());
  }

  pauseUntil(epochMs: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, epochMs);
  }

  pausedUntil(): number | undefined {
    return this.pausedUntilMs > this.timers.now() ? this.pausedUntilMs : undefined;
  }

  use(): BudgetUse {
    this.prune(this.timers.now());
    return { bucket: this.spec.bucket, used: this.stamps.length, limit: this.spec.limit, windowMs: this.spec.windowMs };
  }

  /** How long until one more request fits: the pause, or until the oldest stamp leaves the window. */
  private waitMs(): number {
    const now = this.timers.now();
    if (this.pausedUntilMs > now) return this.pausedUntilMs - now;
    this.prune(now);
    if (this.stamps.length < this.spec.limit) return 0;
    return this.stamps[this.stamps.length - this.spec.limit] + this.spec.windowMs - now;
  }

  private prune(now: number): void {
    while (this.stamps.length > 0 && this.stamps[0] <= now - this.spec.windowMs) this.stamps.shift();
  }
}

export interface RateBudgetRegistryOptions {
  /**
   * Builds each bucket's budget instead of the in-process sliding window: several processes that spend one
   * platform limit (a cluster's instances) pass budgets kept in a store they share. Same semantics either way.
   */
  create?: (spec: RateBudgetSpec) => RateBudget;
}

/**
 * The buckets of one process (or one platform connection), shared by every client that should count against
 * the same platform limit. Bucket names should be platform-scoped, e.g. `slack:users.getPresence`.
 */
export class RateBudgetRegistry {
  private readonly budgets = new Map<string, RateBudget>();
  private readonly timers: Timers;

  constructor(
    clock?: TimerClock,
    private readonly options: RateBudgetRegistryOptions = {},
  ) {
    this.timers = timersOf(clock);
  }

  /**
   * Declares a bucket. Idempotent per bucket name: the first definition wins, so a test (or an operator) can
   * pre-define a tighter budget and the adapter's own definition then returns it.
   */
  define(spec: RateBudgetSpec): RateBudget {
    const existing = this.budgets.get(spec.bucket);
    if (existing) return existing;
    if (!(spec.limit > 0) || !(spec.windowMs > 0)) {
      throw new RangeError(`rate budget ${spec.bucket} needs a positive limit and window`);
    }
    const budget = this.options.create ? this.options.create({ ...spec }) : new SlidingWindowBudget({ ...spec }, this.timers);
    this.budgets.set(spec.bucket, budget);
    return budget;
  }

  get(bucket: string): RateBudget | undefined {
    return this.budgets.get(bucket);
  }

  use(): BudgetUse[] {
    return [...this.budgets.values()].map((budget) => budget.use());
  }
}
