import type { Timers } from '@amo/presence-adapter-kit';

/** Discord closes a connection that sends more than 120 payloads in 60 s (DDOCS gateway.mdx "Rate Limiting"). */
export const GATEWAY_SEND_LIMIT = { limit: 120, windowMs: 60_000 } as const;

/** Sends kept free for heartbeats, Identify and Resume, so member requests can never starve them. */
const PRIORITY_RESERVE = 6;

interface Queued {
  text: string;
}

/**
 * A sliding-window pacer for one connection. Priority payloads (heartbeat, identify, resume) go out at
 * once while the window has room; the rest queue in order and leave the reserve untouched.
 */
export class SendLimiter {
  private stamps: number[] = [];
  private readonly queue: Queued[] = [];
  private drainArmed = false;
  private drainHandle: unknown;
  private totalSent = 0;

  constructor(
    private readonly timers: Timers,
    private readonly write: (text: string) => void,
    private readonly limit: number = GATEWAY_SEND_LIMIT.limit,
    private readonly windowMs: number = GATEWAY_SEND_LIMIT.windowMs,
  ) {}

  /** Returns false when even a priority payload would exceed the window (the caller drops it). */
  send(text: string, priority: boolean): boolean {
    this.prune();
    if (priority) {
      if (this.stamps.length >= this.limit) return false;
      this.emit(text);
      return true;
    }
    this.queue.push({ text });
    this.drain();
    return true;
  }

  /** A new connection starts a new window and forgets what was queued for the old one. */
  reset(): void {
    this.stamps = [];
    this.queue.length = 0;
    this.cancelDrain();
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Payloads sent in the current window. */
  used(): number {
    this.prune();
    return this.stamps.length;
  }

  get sentTotal(): number {
    return this.totalSent;
  }

  close(): void {
    this.reset();
  }

  private drain(): void {
    this.prune();
    while (this.queue.length > 0 && this.stamps.length < this.limit - PRIORITY_RESERVE) {
      this.emit((this.queue.shift() as Queued).text);
    }
    if (this.queue.length > 0 && !this.drainArmed) {
      const oldest = this.stamps[0] ?? this.timers.now();
      this.drainArmed = true;
      this.drainHandle = this.timers.setTimeout(
        () => {
          this.drainArmed = false;
          this.drain();
        },
        Math.max(1, oldest + this.windowMs - this.timers.now()),
      );
    }
  }

  private cancelDrain(): void {
    if (this.drainArmed) this.timers.clearTimeout(this.drainHandle);
    this.drainArmed = false;
  }

  private emit(text: string): void {
    this.stamps.push(this.timers.now());
    this.totalSent += 1;
    this.write(text);
  }

  private prune(): void {
    const cutoff = this.timers.now() - this.windowMs;
    let drop = 0;
    while (drop < this.stamps.length && (this.stamps[drop] as number) <= cutoff) drop += 1;
    if (drop > 0) this.stamps = this.stamps.slice(drop);
  }
}
