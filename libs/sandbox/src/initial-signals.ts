import type { PlatformSandbox } from './platforms/platform-sandbox';

const RETRY_MS = 500;
const MAX_ATTEMPTS = 120;

/**
 * WhatsApp and LinkedIn have no state to read: a person's starting point exists only as a signal that was
 * delivered. The receiver (presence-api) may not have connected those platforms yet when the sandbox starts,
 * so each starting signal is re-sent until it is accepted (2xx), for up to a minute; then, as a person who keeps
 * writing would, once more after each of `repeatAfterMs`, because a service that accepted a delivery while it
 * was still starting up may not have been listening for the result yet.
 */
export class InitialSignals {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(private readonly repeatAfterMs: readonly number[] = []) {}

  send(platform: PlatformSandbox, accountId: string, native: string): Promise<void> {
    return this.attempt(platform, accountId, native, 1, true);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(platform: PlatformSandbox, accountId: string, native: string, attempt: number, first: boolean): Promise<void> {
    if (this.closed) return;
    const status = await platform.apply(accountId, native);
    if (this.closed || status === undefined) return;
    if (status >= 200 && status < 300) {
      if (first) for (const ms of this.repeatAfterMs) this.later(ms, () => this.attempt(platform, accountId, native, 1, false));
      return;
    }
    if (attempt < MAX_ATTEMPTS) this.later(RETRY_MS, () => this.attempt(platform, accountId, native, attempt + 1, first));
  }

  private later(ms: number, task: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void task();
    }, ms);
    timer.unref?.();
    this.timers.add(timer);
  }
}
