import type { RateBudget } from '@amo/presence-adapter-kit';

/** Requests a bucket can take right now without waiting (0 while a Retry-After pause holds it). */
export function roomNow(budget: RateBudget | undefined): number {
  if (!budget) return Infinity;
  if (budget.availableInMs() > 0) return 0;
  const use = budget.use();
  return Math.max(0, use.limit - use.used);
}
