import type { Timers } from '@amo/presence-adapter-kit';

/** One named slot per purpose: arming a slot again replaces its previous timer. */
export class TimerSlots {
  private readonly handles = new Map<string, unknown>();

  constructor(private readonly timers: Timers) {}

  set(name: string, delayMs: number, task: () => void): void {
    this.clear(name);
    this.handles.set(
      name,
      this.timers.setTimeout(() => {
        this.handles.delete(name);
        task();
      }, Math.max(0, delayMs)),
    );
  }

  clear(name: string): void {
    const handle = this.handles.get(name);
    if (handle === undefined) return;
    this.timers.clearTimeout(handle);
    this.handles.delete(name);
  }

  has(name: string): boolean {
    return this.handles.has(name);
  }

  clearAll(): void {
    for (const name of [...this.handles.keys()]) this.clear(name);
  }

  /** Names still armed; empty once the gateway is closed. */
  armed(): string[] {
    return [...this.handles.keys()];
  }
}
