import type { RunningPlatformSandbox } from '@amo/presence-adapter-kit/testing';

type Signalling = Pick<RunningPlatformSandbox, 'apply'>;

const RETRY_MS = 500;
const MAX_ATTEMPTS = 120;

/**
 * WhatsApp and LinkedIn have no state to read: a person's starting point exists only as a signal that was
 * delivered. The receiver (presence-api) may not have connected those platforms yet when the sandbox starts,
 * so each starting signal is re-sent until it is accepted (2xx), for up to a minute. Once accepted it is kept:
 * the adapters hand what they heard over when monitoring starts.
 */
export class InitialSignals {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  send(platform: Signalling, accountId: string, native: string): Promise<void> {
    return this.attempt(platform, accountId, native, 1);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(platform: Signalling, accountId: string, native: string, attempt: number): Promise<void> {
    if (this.closed) return;
    const status = await platform.apply(accountId, native);
    if (this.closed || status === undefined || (status >= 200 && status < 300)) return;
    if (attempt < MAX_ATTEMPTS) this.later(RETRY_MS, () => this.attempt(platform, accountId, native, attempt + 1));
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
