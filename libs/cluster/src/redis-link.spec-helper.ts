import { setTimeout as realSetTimeout } from 'node:timers';

export * from './testing';

// Taken at load, before a test can install fake timers (which fake Date.now too).
const realNow = performance.now.bind(performance);

/** Polls `check` until it returns something truthy, in real time (fake timers do not slow it); throws after `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = realNow() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (realNow() > deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => realSetTimeout(resolve, 10));
  }
}
