import type { TimerClock } from '@amo/presence-adapter-kit';
import type { Scheduler } from '@amo/presence-core';

interface Pending {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * Fake time for the adapter, the kit and the emulator at once: `now()` moves only when the test calls `advance`,
 * which fires due timers in order and lets the promises they start settle (real sockets keep working).
 */
export class ManualClock implements TimerClock {
  private nowMs: number;
  private seq = 0;
  private readonly timers = new Map<number, Pending>();

  constructor(start = Date.parse('2026-03-02T09:00:00Z')) {
    this.nowMs = start;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = ++this.seq;
    this.timers.set(handle, { at: this.nowMs + Math.max(0, ms), seq: handle, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing each due timer at its own time and settling what it starts (`settle`). */
  async advance(ms: number, settle: () => Promise<void> = tick): Promise<void> {
    const target = this.nowMs + ms;
    for (;;) {
      const due = [...this.timers.values()].filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers.delete(due.seq);
      this.nowMs = Math.max(this.nowMs, due.at);
      due.callback();
      await settle();
    }
    this.nowMs = target;
    await settle();
  }
}

/** Core's named one-shot timers on the manual clock, so the aggregator's poll loop runs on fake time. */
export class ManualScheduler implements Scheduler {
  private readonly handles = new Map<string, unknown>();

  constructor(private readonly clock: ManualClock) {}

  schedule(name: string, delayMs: number, task: () => void): void {
    this.cancel(name);
    this.handles.set(name, this.clock.setTimeout(() => {
      this.handles.delete(name);
      task();
    }, delayMs));
  }

  cancel(name: string): void {
    if (this.handles.has(name)) this.clock.clearTimeout(this.handles.get(name));
    this.handles.delete(name);
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
