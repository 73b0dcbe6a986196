import type { TimerClock } from '@amo/presence-adapter-kit';

interface Pending {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * Discrete-event fake time for adapter and emulator together: time stands still while any HTTP exchange made
 * through {@link fetch} is open (so loopback latency costs no time, and the emulator stamps a request at the
 * moment the adapter's budget counted it), and jumps to the next timer only when nothing is in flight.
 * Long runs (minutes of a sweep's schedule) take as long as their requests, not as long as their waits.
 */
export class VirtualClock implements TimerClock {
  private nowMs: number;
  private seq = 0;
  private inFlight = 0;
  private pumping = false;
  private readonly timers = new Map<number, Pending>();

  constructor(start: number) {
    this.nowMs = start;
  }

  readonly now = (): number => this.nowMs;

  readonly setTimeout = (callback: () => void, ms: number): unknown => {
    const handle = ++this.seq;
    this.timers.set(handle, { at: this.nowMs + Math.max(0, ms), seq: handle, callback });
    this.pump();
    return handle;
  };

  readonly clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** Waits `ms` of virtual time. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** `fetch` that holds time still until the whole response (body included) has arrived. */
  readonly fetch: typeof fetch = async (input, init) => {
    this.inFlight++;
    try {
      const response = await globalThis.fetch(input, init);
      const body = await response.arrayBuffer();
      return new Response(response.status === 204 ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } finally {
      this.inFlight--;
      this.pump();
    }
  };

  /** Fires the earliest timer once the event loop is idle (settled promises, no exchange open). */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      if (this.inFlight > 0 || this.timers.size === 0) return;
      const [handle, next] = [...this.timers.entries()].reduce((a, b) => (b[1].at < a[1].at || (b[1].at === a[1].at && b[1].seq < a[1].seq) ? b : a));
      this.timers.delete(handle);
      this.nowMs = Math.max(this.nowMs, next.at);
      next.callback();
      this.pump();
    });
  }
}
