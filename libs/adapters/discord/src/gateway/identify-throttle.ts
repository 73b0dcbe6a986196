import type { Timers } from '@amo/presence-adapter-kit';

/** Discord allows `max_concurrency` identifies per 5 s, bucketed by `shard_id % max_concurrency`. */
export const IDENTIFY_WINDOW_MS = 5_000;

export interface SessionStartLimit {
  total?: number;
  remaining: number;
  /** Milliseconds until `remaining` resets. */
  reset_after: number;
  max_concurrency: number;
}

/**
 * Paces Identify payloads by `session_start_limit`. One instance can be shared by several shards' adapters
 * in a process (pass it in the adapter's deps) so their identifies stay within the bucket rule.
 */
export class IdentifyThrottle {
  private maxConcurrency = 1;
  private remaining = Number.POSITIVE_INFINITY;
  private resetAt = 0;
  private readonly nextFree = new Map<number, number>();

  constructor(private readonly timers: Timers) {}

  configure(limit: SessionStartLimit): void {
    this.maxConcurrency = Math.max(1, Math.floor(limit.max_concurrency) || 1);
    this.remaining = limit.remaining;
    this.resetAt = this.timers.now() + Math.max(0, limit.reset_after);
  }

  /** Runs `task` when shard `shardId` may identify; returns a cancel function. */
  acquire(shardId: number, task: () => void): () => void {
    const now = this.timers.now();
    if (now >= this.resetAt && this.remaining <= 0) this.remaining = 1;
    const bucket = shardId % this.maxConcurrency;
    let at = Math.max(now, this.nextFree.get(bucket) ?? 0);
    if (this.remaining <= 0) at = Math.max(at, this.resetAt);
    this.nextFree.set(bucket, at + IDENTIFY_WINDOW_MS);
    this.remaining -= 1;
    if (at <= now) {
      task();
      return () => undefined;
    }
    const handle = this.timers.setTimeout(task, at - now);
    return () => this.timers.clearTimeout(handle);
  }
}
