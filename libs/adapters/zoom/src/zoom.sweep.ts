import { type FetchResult, isPresenceError, type PlatformPresence } from '@amo/presence-core';
import { type RateBudget, sleep, type Timers } from '@amo/presence-adapter-kit';

/** One id read once: its record, or `not-found` when Zoom does not know it. Anything else is thrown. */
export type ZoomReadOne = (accountId: string) => Promise<PlatformPresence | 'not-found'>;

export interface ZoomSweepOptions {
  /** The account's bucket; the sweep only asks it when the next read fits, the client counts the read. */
  budget: RateBudget;
  timers: Timers;
  read: ZoomReadOne;
  /** Most reads in flight at once (the budget paces them either way). */
  concurrency: number;
  closed(): boolean;
  /** Aborts a wait for the next slot (the adapter was closed). */
  signal?: AbortSignal;
}

/**
 * Plans Zoom's presence reads step by step within the account's budget. Zoom reads one id per call, so a
 * sweep of many people spans several steps: each step reads the ids read longest ago (never-read ids first, so
 * new people join the normal sweep), as fast as the budget allows, for as long as the steps' own cadence
 * (the time since the previous step began, at least one budget window). A read whose slot lies beyond that is
 * skipped for this step: the id keeps its last value, with its age, and is first in line next step. So a step
 * never outlasts its share of the budget, and a Retry-After pause skips reads instead of stalling the step.
 */
export class ZoomSweep {
  /** When each tracked id was last read (started), for the longest-ago-first order. */
  private readonly lastRead = new Map<string, number>();
  private previousStepAt: number | undefined;

  constructor(private readonly options: ZoomSweepOptions) {}

  /** One step over `accountIds` (duplicates read once); throws the first failure that is not a 404. */
  async step(accountIds: readonly string[]): Promise<FetchResult> {
    const { timers, budget } = this.options;
    const ids = [...new Set(accountIds)];
    const startedAt = timers.now();
    const horizonMs = Math.max(budget.spec.windowMs, startedAt - (this.previousStepAt ?? startedAt));
    this.previousStepAt = startedAt;
    const deadline = startedAt + horizonMs;
    this.forgetUntracked(ids);

    const records: PlatformPresence[] = [];
    const notFound: string[] = [];
    let failure: unknown;
    const inFlight = new Set<Promise<void>>();
    for (const id of this.longestAgoFirst(ids)) {
      while (inFlight.size >= this.options.concurrency) await Promise.race(inFlight);
      if (failure !== undefined || this.options.closed() || !(await this.slotWithin(deadline))) break;
      this.lastRead.set(id, timers.now());
      const read: Promise<void> = this.options
        .read(id)
        .then((result) => {
          if (result === 'not-found') notFound.push(id);
          else records.push(result);
        })
        .catch((error: unknown) => {
          if (isPresenceError(error) && error.code === 'NOT_FOUND') notFound.push(id);
          else failure ??= error;
        })
        .finally(() => inFlight.delete(read));
      inFlight.add(read);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    return { records, notFound };
  }

  /** Waits for the budget's next slot if it comes before `deadline` (the next step's); false when it does not. */
  private async slotWithin(deadline: number): Promise<boolean> {
    const { timers, budget } = this.options;
    for (;;) {
      const waitMs = budget.availableInMs();
      if (timers.now() + waitMs >= deadline) return false;
      if (waitMs === 0) return true;
      try {
        await sleep(timers, waitMs, this.options.signal);
      } catch {
        return false;
      }
      if (this.options.closed()) return false;
    }
  }

  private longestAgoFirst(ids: readonly string[]): string[] {
    // Never read sorts first; Array.prototype.sort is stable, so ties keep the caller's order.
    const order = (id: string): number => this.lastRead.get(id) ?? -1;
    return [...ids].sort((a, b) => order(a) - order(b));
  }

  private forgetUntracked(ids: readonly string[]): void {
    const tracked = new Set(ids);
    for (const id of this.lastRead.keys()) if (!tracked.has(id)) this.lastRead.delete(id);
  }
}
