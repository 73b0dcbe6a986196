import { isPresenceError, PresenceError, type AdapterHealth, type Platform } from '@amo/presence-core';
import type { TokenProvider } from '../oauth/token-provider';
import { fullJitterDelayMs, type BackoffOptions } from './backoff';
import { CircuitOpenError, PlatformBreaker, type BreakerOptions } from './circuit-breaker';
import { baseHttpError, type ErrorParser, type HttpOutcome } from './http-outcome';
import { buildUrl, performRequest, type QueryValue, type WireRequest } from './http-transport';
import type { RateBudget, RateBudgetRegistry } from './rate-budget';
import { ClientClosedError, closedError, sleep, timersOf, type TimerClock, type Timers } from './timers';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Appended to baseUrl (which may itself carry a path, e.g. https://slack.com/api). */
  path: string;
  query?: Record<string, QueryValue>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Rate budget bucket; default 'default'. A bucket the registry does not define is not limited. */
  bucket?: string;
  /** Default true; only TRANSIENT and RATE_LIMITED are ever retried. */
  retry?: boolean;
  /** Overrides the client's per-call timeout for this request. */
  timeoutMs?: number;
  /**
   * Default true: wait for room in the bucket. False: take a slot only if there is room now, else throw
   * {@link NoBudgetNowError} without sending, so a sweep skips that read this step instead of holding up reads
   * that have budget.
   */
  budgetWait?: boolean;
}

/** The bucket had no room right now and the request asked not to wait (`budgetWait: false`): nothing was sent. */
export class NoBudgetNowError extends PresenceError {
  override get retryable(): boolean {
    return false;
  }
}

export function isNoBudgetNow(error: unknown): boolean {
  return error instanceof NoBudgetNowError;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface PlatformHttpClientOptions {
  platform: Platform;
  baseUrl: string;
  parseError: ErrorParser;
  /** Per-call timeout, default 10 000 ms (covers headers and body). */
  timeoutMs?: number;
  /** Retries after the first attempt, default 3 (the seed's PRESENCE_MAX_RETRIES). */
  maxRetries?: number;
  /** Shared registry; buckets are declared by the adapter's manifest. */
  budgets?: RateBudgetRegistry;
  breaker?: BreakerOptions;
  /** Adds Authorization; a 401 (AUTH_INVALID) triggers exactly one refresh and one retry. */
  auth?: TokenProvider;
  /** 'Bearer' (default), 'Bot' for Discord. */
  authScheme?: string;
  clock?: TimerClock;
  fetch?: typeof fetch;
  /** Jitter source in [0, 1), injectable for deterministic tests. */
  random?: () => number;
  backoff?: BackoffOptions;
  /**
   * The longest Retry-After the client waits inside one request, default 60 000 ms. A longer one (a daily limit)
   * is thrown at once as RATE_LIMITED, with the bucket paused, so the monitor reschedules instead of hanging.
   */
  maxRetryWaitMs?: number;
  /** Headers sent with every request (User-Agent, API versions). */
  defaultHeaders?: Record<string, string>;
}

/**
 * The one HTTP client every adapter uses: rate budgets, per-call timeout, retries with full-jitter backoff or the
 * platform's Retry-After, a circuit breaker, bearer tokens with one refresh on 401. Every failure leaves as the
 * PresenceError the adapter's parser chose.
 */
export class PlatformHttpClient {
  private readonly timers: Timers;
  private readonly fetchFn: typeof fetch;
  private readonly random: () => number;
  private readonly breaker: PlatformBreaker;
  private readonly closer = new AbortController();
  private readonly usedBuckets = new Set<string>();
  private retries = 0;
  private lastError?: { code: string; message: string; at: Date };

  constructor(private readonly options: PlatformHttpClientOptions) {
    this.timers = timersOf(options.clock);
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.random = options.random ?? Math.random;
    // Only outages count toward opening the circuit: a 429 has its own wait, and 4xx answers prove the platform is up.
    this.breaker = new PlatformBreaker(options.platform, options.breaker ?? {}, (error) =>
      isPresenceError(error) &&
      error.code === 'TRANSIENT' &&
      !(error instanceof CircuitOpenError) &&
      !(error instanceof ClientClosedError),
    );
  }

  /** Sends one logical request; throws the PresenceError of the last attempt. */
  async request<T = unknown>(req: RequestOptions): Promise<HttpResponse<T>> {
    const bucket = req.bucket ?? 'default';
    const maxRetries = req.retry === false ? 0 : (this.options.maxRetries ?? 3);
    for (let attempt = 0; ; attempt++) {
      if (this.closer.signal.aborted) throw closedError(`${this.options.platform} client`);
      try {
        return await this.breaker.execute(() => this.attempt<T>(req, bucket));
      } catch (error) {
        // Not a platform failure: nothing was sent, so no error to record, no pause and no retry.
        if (error instanceof NoBudgetNowError) throw error;
        const failure = this.asPresenceError(error);
        this.noteFailure(failure, bucket);
        const waitMs = this.retryDelayMs(failure, attempt);
        if (error instanceof ClientClosedError) throw error;
        if (error instanceof CircuitOpenError || !failure.retryable || attempt >= maxRetries || waitMs === undefined) {
          throw failure;
        }
        this.retries += 1;
        await sleep(this.timers, waitMs, this.closer.signal);
      }
    }
  }

  health(): AdapterHealth {
    const breaker = this.breaker.state();
    const retryIn = this.breaker.retryInMs();
    const prefix = `${this.options.platform}:`;
    const budgets = (this.options.budgets?.use() ?? []).filter(
      (use) => this.usedBuckets.has(use.bucket) || use.bucket.startsWith(prefix),
    );
    return {
      breaker,
      ...(retryIn > 0 ? { breakerRetryInMs: retryIn } : {}),
      budgets,
      retries: this.retries,
      ...(this.lastError ? { lastError: { ...this.lastError } } : {}),
    };
  }

  /** Aborts in-flight requests, retry waits and budget waits of this client. */
  close(): void {
    this.closer.abort();
  }

  private async attempt<T>(req: RequestOptions, bucket: string): Promise<HttpResponse<T>> {
    const budget = this.options.budgets?.get(bucket);
    const auth = this.options.auth;
    let token = auth ? await auth.getToken() : undefined;
    let outcome = await this.send(req, budget, token);
    let failure = this.parse(outcome);
    if (failure?.code === 'AUTH_INVALID' && auth) {
      auth.invalidate(token);
      token = await auth.getToken();
      outcome = await this.send(req, budget, token);
      failure = this.parse(outcome);
    }
    if (failure) throw failure;
    if (outcome.kind !== 'response') throw this.unexpected(outcome);
    return { status: outcome.status, headers: outcome.headers, body: outcome.body as T, text: outcome.text };
  }

  private async send(req: RequestOptions, budget: RateBudget | undefined, token: string | undefined): Promise<HttpOutcome> {
    if (budget) {
      this.usedBuckets.add(budget.spec.bucket);
      if (req.budgetWait !== false) await budget.take(this.closer.signal);
      else if (!budget.tryTake()) {
        const retryAfterMs = budget.availableInMs();
        throw new NoBudgetNowError('RATE_LIMITED', `${this.options.platform}: no ${budget.spec.bucket} budget left right now`, {
          platform: this.options.platform,
          retryAfterMs,
        });
      }
    }
    return performRequest(this.fetchFn, this.wire(req, token), req.timeoutMs ?? this.options.timeoutMs ?? 10_000, this.closer.signal);
  }

  private wire(req: RequestOptions, token: string | undefined): WireRequest {
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.defaultHeaders };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json; charset=utf-8';
      body = JSON.stringify(req.json);
    } else if (req.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    }
    if (token !== undefined) headers['authorization'] = `${this.options.authScheme ?? 'Bearer'} ${token}`;
    Object.assign(headers, req.headers);
    return { url: buildUrl(this.options.baseUrl, req.path, req.query), method: req.method ?? 'GET', headers, body };
  }

  /** The adapter's parser decides; a parser that waves through a timeout or a broken body gets the generic answer. */
  private parse(outcome: HttpOutcome): PresenceError | null {
    const parsed = this.options.parseError(outcome);
    if (parsed || outcome.kind === 'response') return parsed;
    return baseHttpError(this.options.platform, outcome, this.timers.now());
  }

  private unexpected(outcome: HttpOutcome): PresenceError {
    return baseHttpError(this.options.platform, outcome, this.timers.now()) ?? new PresenceError('PROTOCOL', 'no response');
  }

  /** Retry-After (from the parser) wins over backoff; undefined means "do not wait that long here". */
  private retryDelayMs(failure: PresenceError, attempt: number): number | undefined {
    if (failure.retryAfterMs !== undefined) {
      return failure.retryAfterMs > (this.options.maxRetryWaitMs ?? 60_000) ? undefined : failure.retryAfterMs;
    }
    return fullJitterDelayMs(attempt, this.options.backoff ?? {}, this.random);
  }

  private noteFailure(failure: PresenceError, bucket: string): void {
    this.lastError = { code: failure.code, message: failure.message, at: new Date(this.timers.now()) };
    if (failure.code === 'RATE_LIMITED' && failure.retryAfterMs !== undefined) {
      // Every caller of the bucket waits, not only this request's retry.
      this.options.budgets?.get(bucket)?.pauseUntil(this.timers.now() + failure.retryAfterMs);
    }
  }

  private asPresenceError(error: unknown): PresenceError {
    if (isPresenceError(error)) return error;
    return new PresenceError('TRANSIENT', `${this.options.platform} request failed unexpectedly`, {
      platform: this.options.platform,
      cause: error,
    });
  }
}
