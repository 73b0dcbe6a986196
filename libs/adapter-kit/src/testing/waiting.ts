import { createServer } from 'node:net';
import { setTimeout as realSetTimeout } from 'node:timers';

// Taken at load, before a test can install fake timers (which fake performance.now and Date.now too).
const realNow = performance.now.bind(performance);

/** A TCP port free on 127.0.0.1 right now (listen on 0, read the port, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface EventuallyOptions {
  /** Real milliseconds before giving up (default 3,000). */
  timeoutMs?: number;
  /** Real milliseconds between checks (default 5). */
  stepMs?: number;
  /** Named in the timeout error. */
  what?: string;
  /** Runs before each pause, e.g. firing fake timers that are already due (`() => jest.advanceTimersByTimeAsync(0)`). */
  beforeStep?: () => unknown;
}

/**
 * Waits for an effect that crosses real I/O (loopback sockets, another process) until `check` returns something
 * truthy, which it returns; a throwing check counts as not yet. Pauses on Node's own timers, so a test that
 * installed Jest's fake timers still waits in real time. Not for waiting out intervals or TTLs: fake those.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 3_000, stepMs = 5, what = 'condition', beforeStep } = options;
  const deadline = realNow() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (realNow() > deadline) {
      const cause = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)${cause}`);
    }
    await beforeStep?.();
    await new Promise((resolve) => realSetTimeout(resolve, stepMs));
  }
}
