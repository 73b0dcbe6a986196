import type { Platform } from '../model/platform';
import type { AdapterHealth } from '../ports/adapter';
import type { Scheduler } from '../ports/scheduler';

/**
 * One platform's polling loop: first poll at once, then one every interval, never two at a time. While
 * the platform's breaker is open the next poll waits for it. Retrying a request is the kit's job, not ours.
 */
export class PlatformMonitor {
  private running = false;
  private inFlight: Promise<void> | null = null;
  private readonly timerName: string;
  /** When the armed poll fires (scheduler time unknown to us: kept as a plain deadline from `now`). */
  private dueAt = Number.POSITIVE_INFINITY;
  private again = false;
  /** When the last poll started: the next one is due one interval after it, not after it ended. */
  private startedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly platform: Platform,
    private readonly scheduler: Scheduler,
    private intervalMs: number,
    private readonly poll: () => Promise<void>,
    private readonly health: () => AdapterHealth | undefined,
    private readonly now: () => number,
  ) {
    this.timerName = `presence:poll:${platform}`;
  }

  start(): void {
    if (this.running || this.intervalMs <= 0) return;
    this.running = true;
    this.tick();
  }

  setInterval(intervalMs: number): void {
    this.intervalMs = intervalMs;
    if (this.running && this.inFlight === null) this.arm();
  }

  /**
   * Brings the next poll forward to within `withinMs` (newly linked accounts join the normal batched sweep
   * soon); many calls in a row cost one poll, and a poll in flight is followed by one more.
   */
  pollSoon(withinMs: number): void {
    if (!this.running) return;
    if (this.inFlight !== null) {
      this.again = true;
      return;
    }
    if (this.dueAt - this.now() <= withinMs) return;
    this.schedule(withinMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.scheduler.cancel(this.timerName);
    await this.inFlight;
  }

  private tick(): void {
    if (!this.running) return;
    this.startedAt = this.now();
    this.inFlight = this.poll()
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = null;
        if (!this.running) return;
        if (this.again) {
          this.again = false;
          this.schedule(0);
        } else {
          this.arm();
        }
      });
  }

  private arm(): void {
    const health = this.health();
    const breakerWait = health?.breaker === 'open' ? (health.breakerRetryInMs ?? this.intervalMs) : 0;
    // Start to start: a poll that paces its reads within the budget (a Zoom step spends most of an interval)
    // must not add its own length to every sweep.
    const untilDue = Math.max(0, this.startedAt + this.intervalMs - this.now());
    this.schedule(Math.max(untilDue, breakerWait));
  }

  private schedule(delayMs: number): void {
    this.dueAt = this.now() + delayMs;
    this.scheduler.schedule(this.timerName, delayMs, () => {
      this.dueAt = Number.POSITIVE_INFINITY;
      this.tick();
    });
  }
}
