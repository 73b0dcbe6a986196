import {
  PresenceError,
  type AdapterCapabilities,
  type AdapterHealth,
  type FetchResult,
  type PlatformPresence,
  type PresenceAdapter,
  type PresenceStatus,
} from '@amo/presence-core';
import { baseHttpError, type HttpOutcome } from '../../http/http-outcome';
import { PlatformHttpClient } from '../../http/platform-http-client';
import { RateBudgetRegistry } from '../../http/rate-budget';
import { StaticTokenProvider } from '../../oauth/token-provider';

// core's Platform union is closed, so the example platform borrows the name 'zoom'; nothing else is Zoom-like.
const PLATFORM = 'zoom' as const;
const BUCKET = 'zoom:example.presence';

const leakedTimers: Array<ReturnType<typeof setInterval>> = [];

/** Lets the kit's spec clean up after the 'leak-timer' variant once the suite has caught it. */
export function clearLeakedTimers(): void {
  for (const timer of leakedTimers.splice(0)) clearInterval(timer);
}

/** Deliberate contract breaches, to prove the suite catches them. */
export type Misbehaviour =
  | 'ignore-retry-after'
  | 'ignore-budget'
  | 'leak-timer'
  | 'swallow-errors'
  | 'wrong-status'
  | 'no-not-found'
  | 'no-retries'
  | 'lie-about-fields'
  | 'invent-status';

export interface ExampleConfig {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  maxRetries?: number;
  backoff?: { baseMs: number; maxMs: number };
  breaker?: { failureThreshold: number; cooldownMs: number };
  misbehave?: Misbehaviour;
  /** Declare push with a startPush that resolves at once (webhook-style), for the close check's race. */
  push?: boolean;
  /** Behave like an inferred platform (WhatsApp, LinkedIn): it cannot tell an unknown id from a silent one. */
  inferred?: boolean;
}

const TABLE: Record<string, { status: PresenceStatus; activity?: string }> = {
  available: { status: 'online' },
  idle: { status: 'idle' },
  dnd: { status: 'busy', activity: 'Do not disturb' },
  away: { status: 'away' },
  offline: { status: 'offline' },
};

/** The example platform's pure error parser: its 429 carries the wait in the body as well as in Retry-After. */
export function parseExampleError(outcome: HttpOutcome): PresenceError | null {
  if (outcome.kind === 'response' && outcome.status === 429) {
    const body = outcome.body as { error?: { retry_after_sec?: number } } | undefined;
    const seconds = body?.error?.retry_after_sec;
    const generic = baseHttpError(PLATFORM, outcome);
    return new PresenceError('RATE_LIMITED', 'example platform rate limit', {
      platform: PLATFORM,
      status: 429,
      retryAfterMs: typeof seconds === 'number' ? seconds * 1000 : generic?.retryAfterMs,
    });
  }
  return baseHttpError(PLATFORM, outcome);
}

export function createExampleAdapter(config: ExampleConfig, deps: { budgets?: RateBudgetRegistry } = {}): PresenceAdapter {
  const bad = config.misbehave;
  const capabilities: AdapterCapabilities = {
    freshness: config.inferred ? 'inferred' : 'poll',
    poll: true,
    push: config.push ?? false,
    inferred: config.inferred ?? false,
    batchSize: 3,
    rateBudgets: [{ bucket: BUCKET, limit: 10, windowMs: 1_000 }],
    fields: bad === 'lie-about-fields' ? [] : ['activity'],
  };
  const budgets = bad === 'ignore-budget' || !deps.budgets ? new RateBudgetRegistry() : deps.budgets;
  if (bad !== 'ignore-budget') for (const spec of capabilities.rateBudgets) budgets.define(spec);
  const client = new PlatformHttpClient({
    platform: PLATFORM,
    baseUrl: config.baseUrl,
    parseError: bad === 'ignore-retry-after' ? (o) => stripRetryAfter(parseExampleError(o)) : parseExampleError,
    auth: new StaticTokenProvider(config.token),
    budgets,
    timeoutMs: config.timeoutMs,
    maxRetries: bad === 'no-retries' ? 0 : config.maxRetries,
    backoff: config.backoff,
    breaker: config.breaker,
  });
  if (bad === 'leak-timer') leakedTimers.push(setInterval(() => undefined, 60_000));

  async function fetchChunk(ids: string[]): Promise<FetchResult> {
    const response = await client.request<{ presences: Array<{ id: string; state: unknown }>; missing: string[] }>({
      path: '/v1/presence',
      query: { ids: ids.join(',') },
      bucket: BUCKET,
    });
    const observedAt = new Date();
    const records = response.body.presences.map((p): PlatformPresence => {
      const known = typeof p.state === 'string' ? TABLE[p.state] : undefined;
      const status = bad === 'wrong-status' && p.state === 'dnd' ? 'online' : (known?.status ?? 'unknown');
      return { platform: PLATFORM, accountId: p.id, status, rawStatus: String(p.state), observedAt, unrecognized: !known, ...(known?.activity ? { activity: known.activity } : {}) };
    });
    if (bad === 'invent-status') {
      records.push(...response.body.missing.map((accountId): PlatformPresence => ({ platform: PLATFORM, accountId, status: 'online', observedAt })));
    }
    return { records, notFound: bad === 'no-not-found' || config.inferred ? [] : response.body.missing };
  }

  return {
    platform: PLATFORM,
    capabilities,
    connect: async () => undefined,
    ...(config.push ? { startPush: async () => undefined } : {}),
    async fetchPresence(accountIds) {
      const chunks: string[][] = [];
      for (let i = 0; i < accountIds.length; i += capabilities.batchSize) chunks.push(accountIds.slice(i, i + capabilities.batchSize));
      try {
        const results = await Promise.all(chunks.map(fetchChunk));
        return { records: results.flatMap((r) => r.records), notFound: results.flatMap((r) => r.notFound) };
      } catch (error) {
        if (bad !== 'swallow-errors') throw error;
        return { records: accountIds.map((accountId) => ({ platform: PLATFORM, accountId, status: 'unknown', observedAt: new Date() })), notFound: [] };
      }
    },
    health: (): AdapterHealth => client.health(),
    close: async () => client.close(),
  };
}

function stripRetryAfter(error: PresenceError | null): PresenceError | null {
  if (!error || error.retryAfterMs === undefined) return error;
  return new PresenceError(error.code, error.message, { platform: error.platform, status: error.status });
}
