import { type BackoffOptions, fullJitterDelayMs, type Timers } from '@amo/presence-adapter-kit';
import type { OutboundEvent, OutboundEventRepository } from '@amo/presence-store';
import type { AttemptResult } from './event-sender';

/** What the worker needs of the store's queue. */
export type DeliveryQueue = Pick<OutboundEventRepository, 'heads' | 'delivered' | 'retryLater' | 'drop'>;

export type DeliveryOutcome = 'delivered' | 'retried' | 'dropped';

export interface DeliveryWorkerOptions {
  queue: DeliveryQueue;
  send: (event: OutboundEvent, signal: AbortSignal) => Promise<AttemptResult>;
  /** Attempts per event, the first included; after the last failure the event is dropped. */
  maxAttempts: number;
  /** The kit's full-jitter backoff between attempts (a receiver's Retry-After, capped at `maxMs`, is a floor). */
  backoff: Required<BackoffOptions>;
  /** Deliveries in flight at once; never two of one order key. */
  concurrency: number;
  timers: Timers;
  random?: () => number;
  /** Told after each attempt was recorded (metrics, the log). */
  onAttempt?: (event: OutboundEvent, outcome: DeliveryOutcome, attempts: number, error?: string) => void;
  /** A queue read or write failed; the worker looks again after the backoff's first ceiling. */
  onError?: (error: unknown) => void;
}

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Sends what the durable queue holds: the head of each order key (a person, a platform) one at a time, so a
 * key's next event waits until the previous one is delivered or dropped, while different keys proceed in
 * parallel. A failed attempt is recorded with its next time (full jitter); a timer wakes the worker for the
 * soonest one. Stopping aborts attempts in flight without counting them, so the next start sends them again.
 */
export class DeliveryWorker {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly held = new Map<string, number>();
  private timer: { handle: unknown; at: number } | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: DeliveryWorkerOptions) {}

  /** Looks at the queue now (new events were queued, or an attempt finished). */
  kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error: unknown) => {
        this.options.onError?.(error);
        this.wakeAt(this.options.timers.now() + this.options.backoff.baseMs);
      })
      .finally(() => {
        this.pumping = undefined;
        if (this.again) this.kick();
      });
  }

  /**
   * Stops delivering `orderKey` at once (an erased person): an attempt in flight is aborted and nothing of the
   * key is started until the returned release is called (once the store has deleted the key's rows).
   */
  hold(orderKey: string): () => void {
    this.held.set(orderKey, (this.held.get(orderKey) ?? 0) + 1);
    this.inFlight.get(orderKey)?.controller.abort();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (this.held.get(orderKey) ?? 1) - 1;
      if (count > 0) this.held.set(orderKey, count);
      else this.held.delete(orderKey);
      this.kick();
    };
  }

  /** Aborts attempts in flight (not counted: they are sent again after the next start) and stops the timer. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.options.timers.clearTimeout(this.timer.handle);
    this.timer = undefined;
    for (const flight of this.inFlight.values()) flight.controller.abort();
    await Promise.allSettled([this.pumping, ...[...this.inFlight.values()].map((flight) => flight.done)]);
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      const free = this.options.concurrency - this.inFlight.size;
      if (free <= 0) return;
      const skip = new Set([...this.inFlight.keys(), ...this.held.keys()]);
      const heads = await this.options.queue.heads(free, skip);
      if (this.stopped) return;
      const now = this.options.timers.now();
      for (const head of heads) {
        if (this.inFlight.has(head.orderKey) || this.held.has(head.orderKey)) continue;
        if (head.nextAttemptAt.getTime() > now) {
          this.wakeAt(head.nextAttemptAt.getTime());
          break;
        }
        this.start(head);
      }
    } while (this.again && !this.stopped);
  }

  private start(event: OutboundEvent): void {
    const controller = new AbortController();
    const done = this.attempt(event, controller.signal)
      .catch((error: unknown) => {
        if (!controller.signal.aborted) this.options.onError?.(error);
      })
      .finally(() => {
        this.inFlight.delete(event.orderKey);
        this.kick();
      });
    this.inFlight.set(event.orderKey, { controller, done });
  }

  private async attempt(event: OutboundEvent, signal: AbortSignal): Promise<void> {
    let result: AttemptResult;
    try {
      result = await this.options.send(event, signal);
    } catch (error) {
      if (signal.aborted) return;
      result = { ok: false, error: (error as Error).message };
    }
    if (signal.aborted && !result.ok) return;
    const attempts = event.attempts + 1;
    if (result.ok) {
      if (await this.options.queue.delivered(event.seq)) this.options.onAttempt?.(event, 'delivered', attempts);
      return;
    }
    if (attempts >= this.options.maxAttempts) {
      if (await this.options.queue.drop(event.seq, attempts, result.error)) this.options.onAttempt?.(event, 'dropped', attempts, result.error);
      return;
    }
    const { backoff, random = Math.random } = this.options;
    const jitter = fullJitterDelayMs(attempts - 1, backoff, random);
    const delay = Math.max(jitter, Math.min(result.retryAfterMs ?? 0, backoff.maxMs));
    if (await this.options.queue.retryLater(event.seq, attempts, this.options.timers.now() + delay, result.error)) {
      this.options.onAttempt?.(event, 'retried', attempts, result.error);
    }
  }

  private wakeAt(at: number): void {
    if (this.stopped || (this.timer && this.timer.at <= at)) return;
    if (this.timer) this.options.timers.clearTimeout(this.timer.handle);
    const handle = this.options.timers.setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, Math.max(0, at - this.options.timers.now()));
    this.timer = { handle, at };
  }
}
