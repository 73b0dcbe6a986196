import { isPresenceError, PresenceError } from '@amo/presence-core';
import type { SlackWebClient } from './slack.client';
import { SLACK_DND_BATCH } from './slack.manifest';
import type { SlackUserUpdate } from './slack.state';
import type { SlackSweepOptions } from './slack.sweep';

export interface SlackStepOptions extends SlackSweepOptions {
  concurrency: number;
  /** No new request starts after this (epoch ms): a step never runs past its poll interval. */
  deadline: number;
  now(): number;
}

/** What one sweep step read, and what went wrong on the way. */
export interface SlackStepResult {
  /** Ids whose presence was read, in the order asked. */
  read: string[];
  /** Ids Slack does not know (`user_not_found`). */
  notFound: string[];
  /** When each id was settled (read or found unknown). */
  readAt: Map<string, number>;
  updates: SlackUserUpdate[];
  /** The first presence failure that stopped the step early (transient, rate limited, protocol). */
  failure?: PresenceError;
  /** A failure no later call can fix: a bad token, or `users:read` missing. */
  fatal?: PresenceError;
  /** DND or status could not be read; presence still was. */
  warnings: { code: string; message: string }[];
}

function asPresenceError(error: unknown): PresenceError {
  return isPresenceError(error) ? error : new PresenceError('TRANSIENT', String(error), { platform: 'slack', cause: error });
}

/** Slack's own `user_not_found` (HTTP 200), not a 404 from a wrong base URL, which must not hide everyone. */
function isUnknownUser(error: PresenceError): boolean {
  return error.code === 'NOT_FOUND' && error.status !== 404;
}

/** Runs `task` over `items` with at most `limit` in flight; stops starting new ones once `stop()` says so. */
async function eachLimit<T>(items: readonly T[], limit: number, stop: () => boolean, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop()) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Reads one slice of people: presence for each, then DND in batches of 50, then custom status. Presence decides
 * whether the step counts; DND and status failures only warn (the previous values are kept), except a bad token.
 */
export async function readStep(client: SlackWebClient, slice: readonly string[], options: SlackStepOptions): Promise<SlackStepResult> {
  const result: SlackStepResult = { read: [], notFound: [], readAt: new Map(), updates: [], warnings: [] };
  const presence = new Map<string, string>();
  const stopped = () => result.fatal !== undefined || result.failure !== undefined || options.now() > options.deadline;
  await eachLimit(slice, options.concurrency, stopped, async (id) => {
    try {
      const value = await client.getPresence(id);
      const at = options.now();
      presence.set(id, value);
      result.readAt.set(id, at);
      result.updates.push({ accountId: id, at, presence: value });
    } catch (error) {
      const failure = asPresenceError(error);
      if (isUnknownUser(failure)) {
        result.notFound.push(id);
        result.readAt.set(id, options.now());
      } else if (failure.code === 'AUTH_INVALID' || failure.code === 'PERMISSION_DENIED') result.fatal ??= failure;
      else result.failure ??= failure;
    }
  });
  result.read = slice.filter((id) => presence.has(id));
  if (result.fatal || result.read.length === 0) return result;
  if (options.readDnd) await readDnd(client, result, options);
  if (options.readProfiles && !result.fatal) await readProfiles(client, result, options);
  return result;
}

function warnOrFail(result: SlackStepResult, error: unknown, what: string): boolean {
  const failure = asPresenceError(error);
  if (failure.code === 'AUTH_INVALID') {
    result.fatal ??= failure;
    return true;
  }
  if (!result.warnings.some((warning) => warning.code === failure.code && warning.message.startsWith(what))) {
    result.warnings.push({ code: failure.code, message: `${what} not read: ${failure.message}` });
  }
  return !isUnknownUser(failure);
}

async function readDnd(client: SlackWebClient, result: SlackStepResult, options: SlackStepOptions): Promise<void> {
  for (let i = 0; i < result.read.length; i += SLACK_DND_BATCH) {
    const chunk = result.read.slice(i, i + SLACK_DND_BATCH);
    try {
      const windows = await client.dndTeamInfo(chunk);
      const at = options.now();
      for (const id of chunk) {
        const dnd = windows.get(id);
        if (dnd) result.updates.push({ accountId: id, at, dnd });
      }
    } catch (error) {
      // user_not_found here means someone left between the two calls: skip this batch's DND, keep going.
      if (warnOrFail(result, error, 'DND')) return;
    }
  }
}

async function readProfiles(client: SlackWebClient, result: SlackStepResult, options: SlackStepOptions): Promise<void> {
  let halted = false;
  await eachLimit(result.read, options.concurrency, () => halted || result.fatal !== undefined, async (id) => {
    try {
      const status = await client.profileStatus(id);
      result.updates.push({ accountId: id, at: options.now(), status });
    } catch (error) {
      if (warnOrFail(result, error, 'status')) halted = true;
    }
  });
}
