import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import {
  type AdapterHealth,
  isPresenceError,
  type Platform,
  type PlatformPresence,
  type PresenceAdapter,
  systemClock,
} from '@amo/presence-core';
import { CallLog, type CallSummary } from './call-log';
import type { AppConfig, ServicePlatform } from './service-wiring';

/** One step of the check (connect, read) and how long it took. */
export interface TimedStep {
  step: string;
  ms: number;
}

/** An error as the adapter raised it: the PresenceError code (or the error's name) and its message. */
export interface CheckError {
  step: string;
  code: string;
  message: string;
  status?: number;
}

/** Everything the check learned about one platform. */
export interface PlatformCheck {
  platform: Platform;
  ids: string[];
  /** Where the ids came from: the command line or what the platform let us see. */
  idsFrom: 'people' | 'platform';
  records: PlatformPresence[];
  notFound: string[];
  steps: TimedStep[];
  calls: CallSummary[];
  health?: AdapterHealth;
  error?: CheckError;
  notes: string[];
  warnings: string[];
}

export interface CheckPlatformInput {
  descriptor: ServicePlatform;
  credentials: Record<string, string>;
  config: AppConfig;
  ids: string[];
  /** Without ids: how many accounts to show where the platform lets us see some. */
  limit: number;
  fetch?: typeof fetch;
}

// Discord ids are snowflakes, so "0" is nobody: asking for it makes the adapter wait until the gateway's
// initial state (every guild, every member chunk) is in, and answer nothing but notFound.
const NOBODY = '0';

/** Reads per platform at most: enough for a few dozen ids on Slack, bounded so a check always ends. */
const MAX_READS = 10;

function errorOf(step: string, error: unknown): CheckError {
  if (isPresenceError(error)) return { step, code: error.code, message: error.message, status: error.status };
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { step, code: typeof code === 'string' ? code : name, message };
}

async function timed<T>(steps: TimedStep[], step: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    steps.push({ step, ms: performance.now() - started });
  }
}

/** Push-only platforms (Discord): what the live connection has seen, the first `limit` accounts. */
async function seenOnConnection(adapter: PresenceAdapter, limit: number): Promise<PlatformPresence[]> {
  const seen = new Map<string, PlatformPresence>();
  await adapter.startPush?.({
    presence: (record) => {
      if (seen.size < limit || seen.has(record.accountId)) seen.set(record.accountId, record);
    },
    connection: () => undefined,
  });
  await adapter.fetchPresence([NOBODY]);
  return [...seen.values()];
}

/**
 * Reads every id, step by step: a polled adapter reads as many as its budgets allow per call (Slack: one
 * sweep step), so the rest come in the next calls. Stops when a call reads nobody new (budget spent for now).
 */
async function readAll(adapter: PresenceAdapter, ids: readonly string[], check: PlatformCheck): Promise<void> {
  let pending = [...ids];
  for (let round = 0; pending.length > 0 && round < MAX_READS; round++) {
    const asked = pending;
    const result = await timed(check.steps, `read ${asked.length} id(s)`, () => adapter.fetchPresence(asked));
    check.records.push(...result.records);
    check.notFound.push(...result.notFound);
    const answered = new Set([...result.records.map((record) => record.accountId), ...result.notFound]);
    pending = asked.filter((id) => !answered.has(id));
    if (answered.size === 0) break;
  }
}

/**
 * Connects one platform with the service's own descriptor of the real adapter library, reads presence for the
 * given ids (or the first few the platform shows), and collects latencies, budgets and errors. Never throws.
 */
export async function checkPlatform(input: CheckPlatformInput): Promise<PlatformCheck> {
  const { descriptor, config } = input;
  const log = new CallLog(input.fetch);
  const check: PlatformCheck = {
    platform: descriptor.platform,
    ids: input.ids,
    idsFrom: input.ids.length > 0 ? 'people' : 'platform',
    records: [],
    notFound: [],
    steps: [],
    calls: [],
    notes: [],
    warnings: [],
  };
  const state = new Map<string, unknown>();
  let adapter: PresenceAdapter | undefined;
  let step = 'credentials';
  try {
    adapter = descriptor.createAdapter(descriptor.parseCredentials(input.credentials), {
      endpoints: config.baseUrls,
      publicUrl: config.publicUrl,
      maxRetries: config.maxRetries,
      pollIntervalMs: config.pollIntervalsMs[descriptor.platform] ?? config.pollIntervalMs,
      recencyWindowMs: config.recencyWindowMs,
      clock: systemClock,
      budgets: new RateBudgetRegistry(),
      fetch: log.fetch,
      logger: { log: () => undefined, warn: (line) => check.warnings.push(line), error: (line) => check.warnings.push(line) },
      state: { get: <T>(key: string) => state.get(key) as T | undefined, set: (key, value) => state.set(key, value) },
      saveCredentials: () => check.notes.push('the platform issued a new token; the live check does not store it'),
    });
    const live = adapter;
    step = 'connect';
    await timed(check.steps, 'connect', () => live.connect());
    if (live.capabilities.inferred) {
      check.notes.push(
        `${descriptor.platform} has no presence API: its status is inferred from signed webhooks (POST /v1/webhooks/${descriptor.platform}), ` +
          'which only the running service receives. Connected; there is nothing to read without webhooks.',
      );
    } else if (input.ids.length > 0) {
      step = 'read';
      live.setTrackedIds?.(input.ids);
      await readAll(live, input.ids, check);
    } else if (!live.capabilities.poll) {
      step = 'read';
      check.records = await timed(check.steps, 'initial state from the live connection', () => seenOnConnection(live, input.limit));
      check.ids = check.records.map((record) => record.accountId);
    } else {
      check.notes.push(`no ids given for ${descriptor.platform}: pass --people ${descriptor.platform}:<id>,<id> (its adapter lists no accounts)`);
    }
  } catch (error) {
    check.error = errorOf(step, error);
  } finally {
    check.health = adapter?.health?.();
    await adapter?.close().catch((error: unknown) => check.warnings.push(`close: ${errorOf('close', error).message}`));
    check.calls = log.summary(check.ids);
  }
  return check;
}
