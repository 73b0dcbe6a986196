/** Reconnect delays: the first retry's ceiling and the largest one. */
export interface BackoffOptions {
  /** Default 500 ms. */
  baseMs?: number;
  /** Default 30 000 ms. */
  maxMs?: number;
}

/**
 * "Full jitter" (AWS architecture blog, Exponential Backoff And Jitter): a uniform draw in
 * [0, min(max, base * 2^attempt)), so clients dropped together (a restart, a 4001 wave) spread out instead of
 * stampeding. `attempt` is 0 for the first retry. The adapter kit has the same formula; the client may not
 * depend on the kit (it runs in browsers), so it is repeated here.
 */
export function fullJitterDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  return Math.floor(random() * Math.min(max, base * 2 ** attempt));
}
