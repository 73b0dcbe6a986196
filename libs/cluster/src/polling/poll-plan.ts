import type { AdapterCapabilities } from '@amo/presence-core';

/** How a platform's polling is cut into ticks and jobs, from what its adapter declares. */
export interface PollPlan {
  /** People planned each tick (one poll interval): what the budget re-reads in an interval, or everyone. */
  perTick: number;
  /** People in one job: one call's batch (Teams' 650), or what the budget admits in one window, at most a tick's share. */
  jobSize: number;
  /** How long one round over everyone takes: whole ticks. */
  sweepMs: number;
  /** Slots a job reserves in each of the platform's buckets (at most each bucket's limit). */
  slotsPerJob: number;
}

/**
 * The plan for `people` people at `intervalMs` a tick. `idsPerMinute` (the rate a full sweep reads at within the
 * budget: Slack 50, Zoom 600) bounds a tick; without it every tick plans everyone (the budget then decides, and
 * what it skipped is planned first next tick). A job is what one adapter step can read without waiting past its
 * window: Zoom's step reads about one window's worth (10) before it runs out of horizon, Slack's a tick's share.
 */
export function pollPlan(capabilities: Pick<AdapterCapabilities, 'batchSize' | 'idsPerMinute' | 'rateBudgets'>, intervalMs: number, people: number): PollPlan {
  const { batchSize, idsPerMinute } = capabilities;
  const everyone = Math.max(1, people);
  const perTick = idsPerMinute === undefined ? everyone : Math.min(everyone, Math.max(1, Math.floor((idsPerMinute * intervalMs) / 60_000)));
  let jobSize: number;
  if (batchSize > 1) jobSize = batchSize;
  else {
    const windowMs = Math.min(...capabilities.rateBudgets.map((budget) => budget.windowMs));
    const perWindow = idsPerMinute === undefined || !Number.isFinite(windowMs) ? perTick : Math.max(1, Math.floor((idsPerMinute * windowMs) / 60_000));
    jobSize = Math.max(1, Math.min(perTick, perWindow));
  }
  const callsPerJob = Math.ceil(Math.min(jobSize, perTick) / Math.max(1, batchSize));
  return {
    perTick,
    jobSize,
    sweepMs: Math.ceil(everyone / perTick) * intervalMs,
    // Twice the calls the ids need, for what a step adds (a Teams batch split on a 404, Slack's DND and status reads).
    slotsPerJob: 2 * callsPerJob + 1,
  };
}

/** Splits `ids` into jobs of `size`. */
export function chunk<T>(ids: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < ids.length; start += size) out.push(ids.slice(start, start + size));
  return out;
}
