import type { Scheduler } from '@amo/presence-core';

/** A jump of virtual time longer than this waits a real moment for sockets first. */
const LONG_JUMP_MS = 1000;

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * Accelerated time for everything the soak runs (core's scheduler, the adapters' timers, the emulators' clocks):
 * a discrete-event clock. Time stands still while work is on the wire (HTTP through {@link fetch}, deliveries
 * passed to {@link hold}) and for a few event-loop turns after, so WebSocket frames (Discord heartbeats and their
 * ACKs) cross loopback at the same virtual moment; then it jumps to the next timer. A day of polling takes as
 * long as its requests, not as long as its waits.
 */
export class SoakClock implements Scheduler {
  private nowMs: number;
  private seq = 0;
  private inFlight = 0;
  private pumping = false;
  private idleTurns = 0;
  private readonly heap: Timer[] = [];
  private readonly named = new Map<string, Timer>();
  /** Timers fired so far (a measure of how much happened). */
  fired = 0;

  /** `settleTurns`: event-loop turns with nothing in flight before time may move (loopback WebSocket round trips). */
  constructor(
    start: number,
    private readonly settleTurns = 3,
  ) {
    this.nowMs = start;
  }

  readonly now = (): number => this.nowMs;

  readonly setTimeout = (callback: () => void, ms: number): unknown => {
    const timer: Timer = { at: this.nowMs + Math.max(0, ms), seq: ++this.seq, callback, cancelled: false };
    this.push(timer);
    this.pump();
    return timer;
  };

  readonly clearTimeout = (handle: unknown): void => {
    if (handle && typeof handle === 'object' && 'cancelled' in handle) (handle as Timer).cancelled = true;
  };

  /** Core's named one-shot timers (its polling loops and housekeeping) on this clock. */
  schedule(name: string, delayMs: number, task: () => void): void {
    this.cancel(name);
    const timer = this.setTimeout(() => {
      this.named.delete(name);
      task();
    }, delayMs) as Timer;
    this.named.set(name, timer);
  }

  cancel(name: string): void {
    const timer = this.named.get(name);
    if (timer) timer.cancelled = true;
    this.named.delete(name);
  }

  /** Resolves once virtual time reaches `at`. */
  until(at: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, at - this.nowMs));
  }

  /** Keeps time still until `work` settles (a webhook delivery the soak started). */
  hold<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    return work.finally(() => {
      this.inFlight--;
      this.pump();
    });
  }

  /** `fetch` that holds time still until the whole response (body included) has arrived. */
  readonly fetch: typeof fetch = (input, init) =>
    this.hold(
      (async () => {
        const response = await globalThis.fetch(input, init);
        const body = await response.arrayBuffer();
        return new Response(response.status === 204 || response.status === 304 ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
      })(),
    );

  /** Fires the earliest timer once nothing has been in flight for `settleTurns` turns of the event loop. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    this.idleTurns = 0;
    let waited = false;
    const turn = (): void => {
      if (this.inFlight > 0) {
        this.pumping = false;
        return;
      }
      if (++this.idleTurns < this.settleTurns && !waited) {
        setImmediate(turn);
        return;
      }
      const next = this.pop();
      if (!next) {
        this.pumping = false;
        return;
      }
      // A long jump (the next heartbeat, a connect timeout): give sockets a real moment to deliver what is on the
      // way first, or a frame already sent would arrive after the time it was due.
      if (next.at - this.nowMs > LONG_JUMP_MS && !waited) {
        this.push(next);
        waited = true;
        setTimeout(turn, 2);
        return;
      }
      waited = false;
      this.idleTurns = 0;
      this.nowMs = Math.max(this.nowMs, next.at);
      this.fired++;
      next.callback();
      setImmediate(turn);
    };
    setImmediate(turn);
  }

  // A binary min-heap on (at, seq); cancelled timers are dropped when they reach the top.
  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    while (heap.length > 0) {
      const top = heap[0];
      const last = heap.pop() as Timer;
      if (heap.length > 0) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const left = 2 * i + 1;
          const right = left + 1;
          let smallest = i;
          if (left < heap.length && before(heap[left], heap[smallest])) smallest = left;
          if (right < heap.length && before(heap[right], heap[smallest])) smallest = right;
          if (smallest === i) break;
          [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
          i = smallest;
        }
      }
      if (!top.cancelled) return top;
    }
    return undefined;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
