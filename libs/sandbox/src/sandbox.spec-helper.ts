import { leaksSince } from '@amo/presence-adapter-kit/testing';

/** Handles that grew since `baseline`, after giving closed sockets and servers a moment to leave the loop. */
export async function leaksAfterClose(baseline: Map<string, number>): Promise<string[]> {
  let leaks = leaksSince(baseline);
  for (let i = 0; i < 40 && leaks.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    leaks = leaksSince(baseline);
  }
  return leaks;
}

/** Polls `check` (real time, short steps) until it returns something truthy; rejects after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
