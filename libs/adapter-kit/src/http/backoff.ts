export interface BackoffOptions {
  /** First retry's ceiling, default 500 ms. */
  baseMs?: number;
  /** Largest ceiling, default 30 000 ms. */
  maxMs?: number;
}

/**
 * "Full jitter" (AWS architecture blog, Exponential Backoff And Jitter): a uniform draw in
 * [0, min(max, base * 2^attempt)), so many clients retrying together spread out instead of stampeding.
 * `attempt` is 0 for the first retry.
 */
export function fullJitterDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, base * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
