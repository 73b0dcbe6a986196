import type { Clock } from '@amo/presence-core';
import { PresenceError } from '@amo/presence-core';

/**
 * A clock that may also own the timers. When it does not, the global timers are looked up at call time,
 * so `jest.useFakeTimers()` installed after import still drives every wait in the kit.
 */
export interface TimerClock extends Clock {
  setTimeout?(callback: () => void, ms: number): unknown;
  clearTimeout?(handle: unknown): void;
}

export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Resolves the timer functions of a clock (or the globals), read lazily so fake timers apply. */
export function timersOf(clock?: TimerClock): Timers {
  return {
    now: () => (clock ? clock.now() : Date.now()),
    setTimeout: (callback, ms) =>
      clock?.setTimeout ? clock.setTimeout(callback, ms) : globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) =>
      clock?.clearTimeout
        ? clock.clearTimeout(handle)
        : globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  };
}

/** What a closed client (or an aborted wait) throws: TRANSIENT, and never counted against the platform's breaker. */
export class ClientClosedError extends PresenceError {}

/** Thrown by {@link sleep} when its signal aborts (the client was closed). */
export function closedError(what = 'client'): PresenceError {
  return new ClientClosedError('TRANSIENT', `${what} was closed`);
}

/** Waits `ms` on the given timers; rejects at once (and clears the timer) when `signal` aborts. */
export function sleep(timers: Timers, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(closedError());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      timers.clearTimeout(handle);
      reject(closedError());
    };
    const handle = timers.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
