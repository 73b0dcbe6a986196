/**
 * One-shot named timers. The monitoring loop re-arms itself after each poll, so it can wait longer while
 * a breaker is open. The service implements this with Nest's SchedulerRegistry; the demo with plain timers.
 */
export interface Scheduler {
  /** Runs `task` once after `delayMs`; a second call with the same name replaces the first. */
  schedule(name: string, delayMs: number, task: () => void): void;
  cancel(name: string): void;
}

export class TimerScheduler implements Scheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  schedule(name: string, delayMs: number, task: () => void): void {
    this.cancel(name);
    const timer = setTimeout(() => {
      this.timers.delete(name);
      task();
    }, delayMs);
    this.timers.set(name, timer);
  }

  cancel(name: string): void {
    const timer = this.timers.get(name);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(name);
  }

  /** Names of timers still armed; empty after every loop has stopped. */
  pending(): string[] {
    return [...this.timers.keys()];
  }
}
