import type { Clock, Platform } from '@amo/presence-core';

export interface PendingAuthorization {
  platform: Platform;
  codeVerifier: string;
  redirectUri: string;
  client: { clientId: string; clientSecret?: string; tenantId?: string };
  expiresAt: number;
}

/**
 * Where pending authorizations wait for their callback. In one process: {@link OAuthStateStore}, in memory. In a
 * cluster the browser may come back to another instance than the one that started the flow, so the states live
 * in Redis (`cluster/shared-state.ts`), with the same rules: single use, expiring, bound to the platform.
 */
export interface OAuthStates {
  /** Stores a pending authorization; returns when it expires (epoch ms). */
  put(state: string, entry: Omit<PendingAuthorization, 'expiresAt'>): number | Promise<number>;
  /** Returns the entry once: a second use, an expired state or another platform's state is undefined. */
  take(state: string, platform: Platform): PendingAuthorization | undefined | Promise<PendingAuthorization | undefined>;
}

/** OAuth `state` values: single-use, expiring, bound to the platform they were issued for. */
export class OAuthStateStore implements OAuthStates {
  private readonly pending = new Map<string, PendingAuthorization>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxPending = 1000,
  ) {}

  put(state: string, entry: Omit<PendingAuthorization, 'expiresAt'>): number {
    this.sweep();
    // Bounded: an admin script gone wrong cannot grow this without limit; the oldest state goes first.
    if (this.pending.size >= this.maxPending) this.pending.delete(this.pending.keys().next().value as string);
    const expiresAt = this.clock.now() + this.ttlMs;
    this.pending.set(state, { ...entry, expiresAt });
    return expiresAt;
  }

  /** Returns the entry once: a second use, an expired state or another platform's state is undefined. */
  take(state: string, platform: Platform): PendingAuthorization | undefined {
    const entry = this.pending.get(state);
    if (!entry) return undefined;
    this.pending.delete(state);
    if (entry.platform !== platform || entry.expiresAt <= this.clock.now()) return undefined;
    return entry;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [state, entry] of this.pending) if (entry.expiresAt <= now) this.pending.delete(state);
  }
}
