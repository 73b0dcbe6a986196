import type { Timers } from '@amo/presence-adapter-kit';

/** Discord closes a connection that sends more than 120 payloads in 60 s (DDOCS gateway.mdx "Rate Limiting"). */
export const GATEWAY_SEND_LIMIT = { limit: 120, windowMs: 60_000 } as const;

/** Identify or Resume, plus a requested heartbeat or two: kept free on top of the regular heartbeats. */
const HANDSHAKE_RESERVE = 4;

interface Queued {
  text: string;
}

/**
 * A sliding-window pacer for one connection. Priority payloads (heartbeat, identify, resume) go out at
 * once while the window has room; the rest queue in order and leave the reserve untouched.
 */
export class SendLimiter {
  private stamps: number[] = [];
  /** The non-priority subset of `stamps`: these alone are held under `limit - reserve`. */
  private normalStamps: number[] = [];
  private readonly queue: Queued[] = [];
  private drainArmed = false;
  private drainHandle: unknown;
  private totalSent = 0;
  /** Sends kept free for heartbeats, Identify and Resume, so member requests can never starve them. */
  private reserve = HANDSHAKE_RESERVE + 2;

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
      this.emit(text, false);
      return true;
    }
    this.queue.push({ text });
    this.drain();
    return true;
  }

  /** Reserves room for one window's worth of heartbeats at `intervalMs` (Hello's heartbeat_interval). */
  reserveForHeartbeats(intervalMs: number): void {
    this.reserve = Math.min(this.limit - 1, HANDSHAKE_RESERVE + Math.ceil(this.windowMs / intervalMs) + 1);
  }

  /** A new connection starts a new window and forgets what was queued for the old one. */
  reset(): void {
    this.stamps = [];
    this.normalStamps = [];
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
    while (
      this.queue.length > 0 &&
      this.normalStamps.length < this.limit - this.reserve &&
      this.stamps.length < this.limit - HANDSHAKE_RESERVE
    ) {
      this.emit((this.queue.shift() as Queued).text, true);
    }
    if (this.queue.length > 0 && !this.drainArmed) {
      const oldest = Math.min(this.stamps[0] ?? Infinity, this.normalStamps[0] ?? Infinity);
      this.drainArmed = true;
      this.drainHandle = this.timers.setTimeout(
        () => {
          this.drainArmed = false;
          this.drain();
        },
        Math.max(1, (Number.isFinite(oldest) ? oldest : this.timers.now()) + this.windowMs - this.timers.now()),
      );
    }
  }

  private cancelDrain(): void {
    if (this.drainArmed) this.timers.clearTimeout(this.drainHandle);
    this.drainArmed = false;
  }

  private emit(text: string, normal: boolean): void {
    this.stamps.push(this.timers.now());
    if (normal) this.normalStamps.push(this.timers.now());
    this.totalSent += 1;
    this.write(text);
  }

  private prune(): void {
    const cutoff = this.timers.now() - this.windowMs;
    this.stamps = dropBefore(this.stamps, cutoff);
    this.normalStamps = dropBefore(this.normalStamps, cutoff);
  }
}

function dropBefore(stamps: number[], cutoff: number): number[] {
  let drop = 0;
  while (drop < stamps.length && (stamps[drop] as number) <= cutoff) drop += 1;
  return drop > 0 ? stamps.slice(drop) : stamps;
}
