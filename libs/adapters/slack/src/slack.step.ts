import { isPresenceError, PresenceError } from '@amo/presence-core';
import { isNoBudgetNow } from '@amo/presence-adapter-kit';
import type { SlackWebClient } from './slack.client';
import { SLACK_DND_BATCH } from './slack.manifest';
import type { SlackUserUpdate } from './slack.state';

/** How one method's phase of a step may spend: at most `calls` calls, each only while `room()` says the budget has room. */
export interface SlackPhaseOptions {
  calls: number;
  room(): number;
  concurrency: number;
  /** No new request starts after this (epoch ms): a step never runs past its poll interval. */
  deadline: number;
  now(): number;
}

/** What one phase read, and what went wrong on the way. */
export interface SlackPhaseResult {
  /** Calls sent (each one counted against the method's budget). */
  calls: number;
  updates: SlackUserUpdate[];
  /** Ids whose presence was read, in the order asked (presence phase only). */
  read: string[];
  /** Ids Slack does not know (`user_not_found`, presence phase only). */
  notFound: string[];
  /** When each id was settled (read or found unknown; presence phase only). */
  readAt: Map<string, number>;
  /** The first presence failure that stopped the phase early (transient, rate limited, protocol). */
  failure?: PresenceError;
  /** A failure no later call can fix: a bad token, or a missing `users:read`. */
  fatal?: PresenceError;
  /** DND or status could not be read; presence still was. */
  warnings: { code: string; message: string }[];
}

function emptyResult(): SlackPhaseResult {
  return { calls: 0, updates: [], read: [], notFound: [], readAt: new Map(), warnings: [] };
}

function asPresenceError(error: unknown): PresenceError {
  return isPresenceError(error) ? error : new PresenceError('TRANSIENT', String(error), { platform: 'slack', cause: error });
}

/** Slack's own `user_not_found` (HTTP 200), not a 404 from a wrong base URL, which must not hide everyone. */
function isUnknownUser(error: PresenceError): boolean {
  return error.code === 'NOT_FOUND' && error.status !== 404;
}

/**
 * Runs `task` over `items` with at most `limit` in flight. Before each start it asks `go()`, synchronously, so a
 * budget checked there is the budget the request then takes; once `go()` says no, nothing more starts.
 */
async function eachWhile<T>(items: readonly T[], limit: number, go: () => boolean, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let halted = false;
  const worker = async (): Promise<void> => {
    while (!halted && next < items.length) {
      if (!go()) {
        halted = true;
        return;
      }
      await task(items[next++]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(limit, items.length)) }, worker));
}

function may(options: SlackPhaseOptions, result: SlackPhaseResult, stopped: () => boolean): () => boolean {
  return () => {
    if (stopped() || result.calls >= options.calls || options.now() > options.deadline || options.room() <= 0) return false;
    result.calls += 1;
    return true;
  };
}

/** Presence for the first ids of `order`, as many as the phase may call; a budget with no room ends the phase quietly. */
export async function readPresencePhase(client: SlackWebClient, order: readonly string[], options: SlackPhaseOptions): Promise<SlackPhaseResult> {
  const result = emptyResult();
  let skipped = false;
  const read = new Set<string>();
  const stopped = () => skipped || result.fatal !== undefined || result.failure !== undefined;
  await eachWhile(order, options.concurrency, may(options, result, stopped), async (id) => {
    try {
      const value = await client.getPresence(id);
      const at = options.now();
      read.add(id);
      result.readAt.set(id, at);
      result.updates.push({ accountId: id, at, presence: value });
    } catch (error) {
      const failure = asPresenceError(error);
      if (isNoBudgetNow(failure)) skipped = true;
      else if (isUnknownUser(failure)) {
        result.notFound.push(id);
        result.readAt.set(id, options.now());
      } else if (failure.code === 'AUTH_INVALID' || failure.code === 'PERMISSION_DENIED') result.fatal ??= failure;
      else result.failure ??= failure;
    }
  });
  result.read = order.filter((id) => read.has(id));
  return result;
}

/** Returns true when the phase should stop: a bad token, a budget with no room, or a failure not about one user. */
function warnOrStop(result: SlackPhaseResult, error: unknown, what: string): boolean {
  const failure = asPresenceError(error);
  if (isNoBudgetNow(failure)) return true;
  if (failure.code === 'AUTH_INVALID') {
    result.fatal ??= failure;
    return true;
  }
  if (!result.warnings.some((warning) => warning.code === failure.code && warning.message.startsWith(what))) {
    result.warnings.push({ code: failure.code, message: `${what} not read: ${failure.message}` });
  }
  return !isUnknownUser(failure);
}

/** DND for `ids` (those whose DND is oldest first), 50 users a call, as many calls as the phase may make. */
export async function readDndPhase(client: SlackWebClient, ids: readonly string[], options: SlackPhaseOptions): Promise<SlackPhaseResult> {
  const result = emptyResult();
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length && chunks.length < options.calls; i += SLACK_DND_BATCH) chunks.push(ids.slice(i, i + SLACK_DND_BATCH));
  let halted = false;
  await eachWhile(chunks, 1, may(options, result, () => halted || result.fatal !== undefined), async (chunk) => {
    try {
      const windows = await client.dndTeamInfo(chunk);
      const at = options.now();
      for (const id of chunk) {
        const dnd = windows.get(id);
        if (dnd) result.updates.push({ accountId: id, at, dnd });
      }
    } catch (error) {
      // user_not_found here means someone left between the two calls: skip this batch's DND, keep going.
      if (warnOrStop(result, error, 'DND')) halted = true;
    }
  });
  return result;
}

/** Custom status for `ids` (oldest first), one users.profile.get each, as many as the phase may call. */
export async function readProfilePhase(client: SlackWebClient, ids: readonly string[], options: SlackPhaseOptions): Promise<SlackPhaseResult> {
  const result = emptyResult();
  let halted = false;
  await eachWhile(ids, options.concurrency, may(options, result, () => halted || result.fatal !== undefined), async (id) => {
    try {
      const status = await client.profileStatus(id);
      result.updates.push({ accountId: id, at: options.now(), status });
    } catch (error) {
      if (warnOrStop(result, error, 'status')) halted = true;
    }
  });
  return result;
}
