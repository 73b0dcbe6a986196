import { randomBytes } from 'node:crypto';
import type { RedisLink } from './redis-link';

/** Renews the lease only while it still holds our token: a lease that expired and was taken is never extended. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes the lease only while it still holds our token: releasing never frees another owner's lease. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface LeaseOptions {
  /** Who holds it (the instance id): readable by {@link Lease.owner}, for health and logs. */
  holder: string;
  /** How long the lease lasts without a renewal (ms). */
  ttlMs: number;
}

/**
 * One Redis lease: `SET key token NX PX ttl`. The token is the holder's id plus random bytes, so only this
 * object can renew or release what it acquired (compare-and-set in Lua); another process with the same
 * holder id (a restarted instance) cannot mistake an old lease for its own.
 */
export class Lease {
  readonly key: string;
  readonly token: string;

  constructor(
    private readonly link: RedisLink,
    name: string,
    readonly options: LeaseOptions,
  ) {
    this.key = link.key('lease', name);
    this.token = `${options.holder}/${randomBytes(9).toString('base64url')}`;
  }

  /** True when this call took the lease (it was free). */
  async acquire(): Promise<boolean> {
    return (await this.link.commands.set(this.key, this.token, 'PX', this.options.ttlMs, 'NX')) === 'OK';
  }

  /** True when the lease was still ours and now lasts another ttl; false when it expired or was taken. */
  async renew(): Promise<boolean> {
    return (await this.link.commands.eval(RENEW, 1, this.key, this.token, String(this.options.ttlMs))) === 1;
  }

  /** Lets it go now (if still ours), so another instance takes over at once instead of after the ttl. */
  async release(): Promise<boolean> {
    return (await this.link.commands.eval(RELEASE, 1, this.key, this.token)) === 1;
  }

  /** The holder id of whoever has it now, or null when it is free. */
  async owner(): Promise<string | null> {
    const token = await this.link.commands.get(this.key);
    return token === null ? null : token.slice(0, token.lastIndexOf('/'));
  }
}

/** The timers a {@link LeaseKeeper} runs on: the system's by default, fake ones in tests. */
export interface LeaseTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: LeaseTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type LeaseEvent = 'acquired' | 'lost';

export interface LeaseKeeperOptions extends LeaseOptions {
  timers?: LeaseTimers;
  /** How often a free lease is tried again while someone else holds it (default a third of the ttl). */
  retryMs?: number;
  /** Redis errors (an outage) are reported here; the keeper keeps trying. */
  onError?: (error: Error) => void;
  /**
   * Asked before each attempt to take the lease while it is not held: false skips the attempt (this instance
   * already holds its fair share of a set of leases). A held lease is renewed whatever it says.
   */
  shouldAcquire?: () => boolean;
}

/**
 * Keeps trying to hold one lease, and keeps it while it can: acquires when it is free (retrying every
 * `retryMs` while another instance holds it), renews at a third of the ttl, and says `acquired` and `lost`.
 *
 * Lost means "stop using what the lease guards now": a renewal that found another token, or no renewal that
 * succeeded before the lease would have expired on the server (Redis unreachable). The deadline counts from
 * when the last successful renewal was sent, so this side gives up before the server could hand the lease to
 * someone else. After a loss the keeper goes back to trying to acquire.
 */
export class LeaseKeeper {
  readonly lease: Lease;
  private readonly timers: LeaseTimers;
  private readonly listeners: Record<LeaseEvent, Set<() => void>> = { acquired: new Set(), lost: new Set() };
  private held = false;
  private running = false;
  private timer: unknown;
  private deadline: unknown;

  constructor(link: RedisLink, name: string, private readonly options: LeaseKeeperOptions) {
    this.lease = new Lease(link, name, options);
    this.timers = options.timers ?? SYSTEM_TIMERS;
  }

  get holding(): boolean {
    return this.held;
  }

  /** Subscribes; returns the function that unsubscribes. */
  on(event: LeaseEvent, listener: () => void): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /** Starts trying (the first attempt at once). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /**
   * Hands the lease over: says `lost`, releases it (another instance can take it at once), and goes on trying as
   * before (`shouldAcquire` decides whether this instance takes it back).
   */
  async yield(): Promise<void> {
    if (!this.held || !this.running) return;
    this.cancel();
    this.setHeld(false);
    await this.lease.release().catch((error: unknown) => this.report(error));
    if (this.running) this.schedule(this.options.retryMs ?? this.renewEveryMs());
  }

  /** Stops trying and releases the lease if held (another instance takes over at once); `lost` is said first. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancel();
    if (!this.held) return;
    this.setHeld(false);
    await this.lease.release().catch((error: unknown) => this.report(error));
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    if (!this.running) return;
    if (!this.held && this.options.shouldAcquire?.() === false) {
      this.schedule(this.options.retryMs ?? this.renewEveryMs());
      return;
    }
    const sentAt = this.timers.now();
    try {
      const ok = this.held ? await this.lease.renew() : await this.lease.acquire();
      if (!this.running) {
        if (ok) await this.lease.release().catch(() => undefined);
        return;
      }
      if (ok) {
        this.armDeadline(sentAt);
        if (!this.held) this.setHeld(true);
      } else if (this.held) {
        this.lose();
      }
    } catch (error) {
      this.report(error);
    }
    if (this.running) this.schedule(this.held ? this.renewEveryMs() : (this.options.retryMs ?? this.renewEveryMs()));
  }

  private renewEveryMs(): number {
    return Math.max(1, Math.floor(this.options.ttlMs / 3));
  }

  /** The lease lapses on the server no earlier than ttl after the renewal was sent: give up just before that. */
  private armDeadline(sentAt: number): void {
    if (this.deadline !== undefined) this.timers.clearTimeout(this.deadline);
    const margin = Math.min(1000, Math.floor(this.options.ttlMs / 10));
    const remaining = sentAt + this.options.ttlMs - margin - this.timers.now();
    this.deadline = this.timers.setTimeout(() => {
      this.deadline = undefined;
      if (this.held) this.lose();
    }, Math.max(0, remaining));
  }

  private lose(): void {
    if (this.deadline !== undefined) this.timers.clearTimeout(this.deadline);
    this.deadline = undefined;
    this.setHeld(false);
  }

  private setHeld(held: boolean): void {
    this.held = held;
    for (const listener of [...this.listeners[held ? 'acquired' : 'lost']]) {
      try {
        listener();
      } catch (error) {
        this.report(error);
      }
    }
  }

  private schedule(ms: number): void {
    this.timer = this.timers.setTimeout(() => void this.attempt(), ms);
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    if (this.deadline !== undefined) this.timers.clearTimeout(this.deadline);
    this.timer = undefined;
    this.deadline = undefined;
  }

  private report(error: unknown): void {
    this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
