import type { PlatformSandbox } from './platforms/platform-sandbox';

const RETRY_MS = 500;
const MAX_ATTEMPTS = 120;

/**
 * WhatsApp and LinkedIn have no state to read: a person's starting point exists only as a signal that was
 * delivered. The receiver (presence-api) may not have connected those platforms yet when the sandbox starts,
 * so each starting signal is re-sent until it is accepted (2xx), for up to a minute.
 */
export class InitialSignals {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  send(platform: PlatformSandbox, accountId: string, native: string, attempt = 1): Promise<void> {
    if (this.closed) return Promise.resolve();
    return platform.apply(accountId, native).then((status) => {
      const accepted = status === undefined || (status >= 200 && status < 300);
      if (accepted || this.closed || attempt >= MAX_ATTEMPTS || platform.down) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.send(platform, accountId, native, attempt + 1);
      }, RETRY_MS);
      timer.unref?.();
      this.timers.add(timer);
    });
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
