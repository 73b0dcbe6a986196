import type { Clock, Platform } from '@amo/presence-core';
import type { Job } from 'bullmq';
import type { PollState } from './poll-state';
import type { PollJobData, PollJobResult, PollTarget } from './poll-target';
import type { SharedBudgets } from './shared-budgets';

/** Counts of what this instance's workers did (per platform). */
export interface PollWorkerStats {
  jobs: number;
  read: number;
  again: number;
  forgotten: number;
  failedJobs: number;
}

/**
 * Runs one poll job on this instance: drops the accounts forgotten since it was planned, reserves the platform's
 * room in the cluster's budgets, runs the batch through core's one poll path (`pollBatch`), gives back the room it
 * did not spend, and moves what it read to the back of the round robin (what it could not read stays in front).
 */
export function pollJobRunner(
  platform: Platform,
  target: PollTarget,
  state: PollState,
  budgets: SharedBudgets,
  clock: Clock,
  stats: PollWorkerStats,
  stopping: AbortSignal,
): (job: Job<PollJobData>) => Promise<PollJobResult> {
  return async (job) => {
    const { ids, slots, holdMs } = job.data;
    const forgotten = await state.forgotten(ids, clock.now());
    const live = forgotten.size === 0 ? ids : ids.filter((id) => !forgotten.has(id));
    // A job that can spend nothing waits for the window until its tick ends (then the next tick plans its people
    // first); one that can waits up to a tenth of an interval for more just leaving the window (a platform polled
    // at its full rate has the reads of two ticks ago leaving it as this tick's job starts).
    await budgets.reserve(platform, { holdMs, want: slots, waitUpToMs: Math.floor(holdMs / 10), waitForRoomUntil: job.data.tick + holdMs, signal: stopping });
    let outcome;
    try {
      outcome = await target.pollBatch(platform, live);
    } finally {
      // A failed release only keeps slots counted until their hold ends: never more requests than the limit.
      await budgets.release(platform).catch(() => undefined);
    }
    // Read (or unknown to the platform): to the back of the line. The rest keep their place at its front.
    const settled = [...outcome.read, ...outcome.notFound];
    await state.read(settled, clock.now());
    const again = live.length - settled.length;
    stats.jobs++;
    stats.read += outcome.read.length;
    stats.again += again;
    stats.forgotten += forgotten.size;
    return { read: outcome.read.length, notFound: outcome.notFound.length, again, forgotten: forgotten.size, error: outcome.error?.code ?? null };
  };
}
