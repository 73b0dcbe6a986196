import type { Clock, Platform } from '@amo/presence-core';
import { OneTimeStore, type RedisLink, SharedRateLimiter } from '@amo/presence-cluster';
import type { CredentialVault } from '@amo/presence-store';
import { KeyRateLimiter, type RateLimiter, type RateState } from '../auth/rate-limiter';
import { OAuthStateStore, type OAuthStates, type PendingAuthorization } from '../oauth/oauth-state.store';

/**
 * What every instance of a cluster shares on Redis besides presence: per-key rate limits, OAuth state and webhook
 * delivery claims (`shared-state.webhooks.ts`). Each is the in-memory implementation outside cluster mode (no link),
 * unchanged. In cluster mode a Redis outage never fails a request: each falls back to its instance's own memory
 * (a key's budget per instance, a flow completed on the instance that started it) until Redis is back, and says
 * nothing more than `/health` does.
 */

export interface RateLimiterOptions {
  /** What is counted (`api-key`, `auth-failure`): the buckets' Redis namespace. */
  name: string;
  perMinute: number;
  clock: Clock;
  /** The cluster's link; without it, the in-memory limiter. */
  link?: RedisLink;
  /** Most buckets the in-memory limiter holds. */
  maxKeys?: number;
}

/** The per-key limiter for this mode: in memory, or shared on Redis with the in-memory one for outages. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const local = new KeyRateLimiter(options.perMinute, options.clock, options.maxKeys);
  if (!options.link) return local;
  const shared = new SharedRateLimiter({ link: options.link, name: options.name, perMinute: options.perMinute, clock: options.clock });
  return new ClusterRateLimiter(shared, local, options.link);
}

/** One budget per key for the whole cluster; the instance's own buckets while Redis is down. */
export class ClusterRateLimiter implements RateLimiter {
  constructor(
    private readonly shared: SharedRateLimiter,
    private readonly local: KeyRateLimiter,
    private readonly link: RedisLink,
  ) {}

  take(key: string): RateState | Promise<RateState> {
    if (!this.link.status().up) return this.local.take(key);
    return this.shared.take(key).catch(() => this.local.take(key));
  }

  waitSeconds(key: string): number | Promise<number> {
    if (!this.link.status().up) return this.local.waitSeconds(key);
    return this.shared.waitSeconds(key).catch(() => this.local.waitSeconds(key));
  }

  async forget(key: string): Promise<void> {
    this.local.forget(key);
    await this.shared.forget(key).catch(() => undefined);
  }
}

export interface OAuthStatesOptions {
  clock: Clock;
  ttlMs: number;
  link?: RedisLink;
  /** Seals entries before they leave the process (they hold the PKCE verifier and may hold a client secret). */
  vault?: CredentialVault;
}

/** Where OAuth states wait: in memory, or on Redis (sealed) with the in-memory store for outages. */
export function createOAuthStates(options: OAuthStatesOptions): OAuthStates {
  const local = new OAuthStateStore(options.clock, options.ttlMs);
  if (!options.link || !options.vault) return local;
  return new ClusterOAuthStates(new OneTimeStore(options.link, 'oauth-state'), local, options.link, options.vault, options.clock, options.ttlMs);
}

/**
 * OAuth states every instance can redeem, each once (GETDEL): a flow started on one instance completes on any.
 * Entries are sealed with the store's key (AES-GCM, bound to the state), so Redis never holds a verifier or client
 * secret in the clear. A state put while Redis was down lives in this instance's memory and is redeemed there.
 */
export class ClusterOAuthStates implements OAuthStates {
  constructor(
    private readonly shared: OneTimeStore,
    private readonly local: OAuthStateStore,
    private readonly link: RedisLink,
    private readonly vault: CredentialVault,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async put(state: string, entry: Omit<PendingAuthorization, 'expiresAt'>): Promise<number> {
    if (!this.link.status().up) return this.local.put(state, entry);
    const expiresAt = this.clock.now() + this.ttlMs;
    const sealed = this.vault.sealJson({ ...entry, expiresAt } satisfies PendingAuthorization, context(state));
    try {
      await this.shared.put(state, sealed, this.ttlMs);
      return expiresAt;
    } catch {
      return this.local.put(state, entry);
    }
  }

  async take(state: string, platform: Platform): Promise<PendingAuthorization | undefined> {
    let sealed: string | undefined;
    if (this.link.status().up) sealed = await this.shared.take(state).catch(() => undefined);
    if (sealed === undefined) return this.local.take(state, platform);
    let entry: PendingAuthorization;
    try {
      entry = this.vault.openJson<PendingAuthorization>(sealed, context(state));
    } catch {
      // Sealed with another key, or not by us: as good as unknown.
      return undefined;
    }
    if (entry.platform !== platform || entry.expiresAt <= this.clock.now()) return undefined;
    return entry;
  }
}

/** The additional authenticated data: an entry opens only under the state it was stored for. */
const context = (state: string): string => `oauth-state:${state}`;
