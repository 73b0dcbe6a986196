import type { TokenSet } from './token-provider';
import { timersOf, type TimerClock, type Timers } from '../http/timers';

/**
 * The shared part of the providers: a cached token that counts as expired `marginMs` early (never more than half its
 * lifetime, so a short-lived token is not refreshed on every call), and one in-flight refresh that every concurrent
 * caller awaits.
 */
export class TokenCache {
  private current?: { set: TokenSet; obtainedAt: number };
  private inflight?: Promise<TokenSet>;
  private readonly timers: Timers;

  constructor(
    private readonly marginMs: number,
    clock: TimerClock | undefined,
    initial?: TokenSet,
  ) {
    this.timers = timersOf(clock);
    if (initial) this.current = { set: initial, obtainedAt: this.timers.now() };
  }

  tokens(): TokenSet | undefined {
    return this.current?.set;
  }

  /** The cached set when it is still fresh, else one shared call of `refresh`. */
  async get(refresh: (stale: TokenSet | undefined) => Promise<TokenSet>): Promise<TokenSet> {
    const current = this.current;
    if (current && !this.isStale(current.set, current.obtainedAt)) return current.set;
    if (!this.inflight) {
      this.inflight = refresh(current?.set)
        .then((set) => {
          this.current = { set, obtainedAt: this.timers.now() };
          return set;
        })
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return this.inflight;
  }

  /** Marks the token stale; the refresh token (if any) is kept for the next refresh. */
  invalidate(rejected?: string): void {
    if (!this.current) return;
    if (rejected !== undefined && this.current.set.accessToken !== rejected) return;
    this.current = { set: { ...this.current.set, expiresAt: 0 }, obtainedAt: this.current.obtainedAt };
  }

  private isStale(set: TokenSet, obtainedAt: number): boolean {
    if (set.expiresAt === undefined) return false;
    const lifetime = set.expiresAt - obtainedAt;
    const margin = Math.min(this.marginMs, Math.max(0, lifetime / 2));
    return this.timers.now() >= set.expiresAt - margin;
  }
}
