import type { Clock } from '@amo/presence-core';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** A bucket's state after a take: what the RateLimit-* headers and Retry-After say. */
export interface RateState {
  /** Requests per window (the bucket's size). */
  limit: number;
  /** Whole requests left now. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** 0 when this take was allowed, else whole seconds until one request is. */
  retryAfterSeconds: number;
}

/**
 * What the authenticator takes from: a token bucket per key. In one process the answers come at once
 * ({@link KeyRateLimiter}); in a cluster they come from Redis (the shared state in `cluster/shared-state.ts`),
 * so a key's budget is the same whichever instance it reaches.
 */
export interface RateLimiter {
  take(key: string): RateState | Promise<RateState>;
  waitSeconds(key: string): number | Promise<number>;
  forget(key: string): void | Promise<void>;
}

/**
 * A token bucket per key (an API key id, a source address): `perMinute` takes a minute, bursts up to the same
 * number. Holds at most `maxKeys` buckets: past it, full buckets (which mean nothing) are dropped first.
 */
export class KeyRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
    private readonly maxKeys = 100_000,
  ) {
    this.refillPerMs = perMinute / 60_000;
  }

  /** Takes one token if there is one; the state says whether it was allowed and how long to wait if not. */
  take(key: string): RateState {
    const bucket = this.refill(key, true) as Bucket;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    return this.state(bucket, allowed);
  }

  /** Whole seconds until `key` may take one (0: now), without taking. */
  waitSeconds(key: string): number {
    const bucket = this.refill(key, false);
    return bucket === undefined || bucket.tokens >= 1 ? 0 : this.state(bucket, false).retryAfterSeconds;
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  private refill(key: string, create: boolean): Bucket | undefined {
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (!create) return undefined;
      if (this.buckets.size >= this.maxKeys) this.prune(now);
      bucket = { tokens: this.perMinute, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updatedAt) * this.refillPerMs);
    bucket.updatedAt = now;
    return bucket;
  }

  private state(bucket: Bucket, allowed: boolean): RateState {
    const secondsFor = (tokens: number): number => Math.ceil(tokens / this.refillPerMs / 1000);
    return {
      limit: this.perMinute,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: secondsFor(this.perMinute - bucket.tokens),
      retryAfterSeconds: allowed ? 0 : Math.max(1, secondsFor(1 - bucket.tokens)),
    };
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.refillPerMs >= this.perMinute) this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) for a key's state. */
export function rateLimitHeaders(state: RateState): Record<string, string> {
  return {
    'RateLimit-Limit': String(state.limit),
    'RateLimit-Remaining': String(state.remaining),
    'RateLimit-Reset': String(state.resetSeconds),
    'RateLimit-Policy': `${state.limit};w=60`,
  };
}
