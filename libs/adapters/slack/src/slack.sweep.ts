import type { AdapterCapabilities, PresenceField, RateBudgetSpec } from '@amo/presence-core';
import type { RateBudget } from '@amo/presence-adapter-kit';
import { SLACK_DND_BATCH } from './slack.manifest';

/** The three budgets one sweep step spends, as the registry actually holds them (an operator may tighten them). */
export interface SlackSweepBudgets {
  presence: RateBudgetSpec;
  dnd: RateBudgetSpec;
  profile: RateBudgetSpec;
}

export interface SlackSweepOptions {
  intervalMs: number;
  readDnd: boolean;
  readProfiles: boolean;
}

/** Ids in the order the sweep should read them: never read first, then least recently read; duplicates dropped. */
export function sweepOrder(ids: readonly string[], lastRead: ReadonlyMap<string, number>): string[] {
  const unique = [...new Set(ids)];
  return unique
    .map((id, index) => ({ id, index, at: lastRead.get(id) ?? -Infinity }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map((entry) => entry.id);
}

/**
 * Calls of one bucket a step may make so that steps one interval apart never outrun the window:
 * `limit * interval / window`, at least 1 and at most the whole window's limit.
 */
export function callsPerInterval(spec: RateBudgetSpec, intervalMs: number): number {
  return Math.min(spec.limit, Math.max(1, Math.floor((spec.limit * intervalMs) / spec.windowMs)));
}

/** How many people one step reads: each of them gets presence, and DND and status when those are read. */
export function idsPerStep(budgets: SlackSweepBudgets, options: SlackSweepOptions): number {
  let ids = callsPerInterval(budgets.presence, options.intervalMs);
  if (options.readProfiles) ids = Math.min(ids, callsPerInterval(budgets.profile, options.intervalMs));
  if (options.readDnd) ids = Math.min(ids, callsPerInterval(budgets.dnd, options.intervalMs) * SLACK_DND_BATCH);
  return ids;
}

/** Requests a bucket can take right now without waiting (0 while a Retry-After pause holds it). */
export function roomNow(budget: RateBudget | undefined): number {
  if (!budget) return Infinity;
  if (budget.pausedUntil() !== undefined) return 0;
  const use = budget.use();
  return Math.max(0, use.limit - use.used);
}

/**
 * What this step may read: its share of the interval, cut to what every bucket has room for now, so a step never
 * waits on the budget and a budget shared with someone else (or paused by a Retry-After) slows the sweep instead
 * of queueing requests into a 429.
 */
export function stepAllowance(
  share: number,
  rooms: { presence: number; dnd: number; profile: number },
  options: Pick<SlackSweepOptions, 'readDnd' | 'readProfiles'>,
): number {
  let allowance = Math.min(share, rooms.presence);
  if (options.readProfiles) allowance = Math.min(allowance, rooms.profile);
  if (options.readDnd) allowance = Math.min(allowance, rooms.dnd * SLACK_DND_BATCH);
  return Math.max(0, allowance);
}

/** Capabilities that tell the truth about this configuration: the sweep's real rate sets core's TTL floor. */
export function slackCapabilities(
  budgets: SlackSweepBudgets,
  options: SlackSweepOptions,
  push: boolean,
  rateBudgets: readonly RateBudgetSpec[],
): AdapterCapabilities {
  const perStep = idsPerStep(budgets, options);
  const fields: PresenceField[] = ['activity'];
  if (options.readProfiles || push) fields.push('customMessage');
  fields.push('expiresAt');
  return {
    freshness: 'poll',
    poll: true,
    push,
    inferred: false,
    batchSize: 1,
    idsPerMinute: Math.max(1, Math.floor((perStep * 60_000) / options.intervalMs)),
    rateBudgets,
    fields,
  };
}
