import type { EmulatorRequest, RequestMatcher } from './emulator-types';
import { matches } from './route-match';

interface Bucket {
  name: string;
  limit: number;
  windowMs: number;
  match?: RequestMatcher;
  stamps: number[];
  over: number;
}

/** The emulator's own count of a platform limit: a sliding window of admitted requests per bucket. */
export class EmulatorBudgets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  define(name: string, limit: number, windowMs: number, match?: RequestMatcher): void {
    this.buckets.set(name, { name, limit, windowMs, match, stamps: [], over: 0 });
  }

  /** Admits the request (recording it in every matching bucket) or returns why it is refused. */
  admit(req: EmulatorRequest): { bucket: string; retryAfterSec: number } | undefined {
    const now = this.now();
    const hit = [...this.buckets.values()].filter((b) => b.match === undefined || matches(b.match, req));
    for (const bucket of hit) {
      while (bucket.stamps.length > 0 && bucket.stamps[0] <= now - bucket.windowMs) bucket.stamps.shift();
      if (bucket.stamps.length >= bucket.limit) {
        bucket.over += 1;
        const waitMs = bucket.stamps[0] + bucket.windowMs - now;
        return { bucket: bucket.name, retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)) };
      }
    }
    for (const bucket of hit) bucket.stamps.push(now);
    return undefined;
  }

  overCount(bucket?: string): number {
    if (bucket !== undefined) return this.buckets.get(bucket)?.over ?? 0;
    return [...this.buckets.values()].reduce((sum, b) => sum + b.over, 0);
  }

  reset(): void {
    for (const bucket of this.buckets.values()) {
      bucket.stamps = [];
      bucket.over = 0;
    }
  }
}
