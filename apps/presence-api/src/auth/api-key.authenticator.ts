import { BUS_TYPES, type ChangeBus, parseKeyRevoked, type RedisLink } from '@amo/presence-cluster';
import type { Clock } from '@amo/presence-core';
import { type ApiKeyScope, LAST_USED_RESOLUTION_MS, type PresenceStore, hasScope } from '@amo/presence-store';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { CHANGE_BUS } from '../cluster/cluster-cache.providers';
import { REDIS_LINK } from '../cluster/cluster.module';
import { createRateLimiter } from '../cluster/shared-state';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ApiError } from '../errors/api-error';
import { CLOCK } from '../presence/clock.provider';
import { PRESENCE_STORE } from '../store/store.providers';
import { type RateLimiter, type RateState, rateLimitHeaders } from './rate-limiter';
import type { ApiPrincipal, Scope } from './scopes';

interface VerifiedKey {
  principal: ApiPrincipal;
  scopes: readonly ApiKeyScope[];
  verifiedAt: number;
}

/** Most keys a process keeps verified at once; past it the cache starts over (each key verifies again). */
const MAX_CACHED_KEYS = 10_000;

/** A caller let in: who, and its key's rate-limit state (for the RateLimit-* headers). */
export interface Authenticated {
  principal: ApiPrincipal;
  rate: RateState;
}

/**
 * Key -> principal, the per-key rate limit, then the scope: shared by the HTTP guard and the stream upgrade.
 * Unknown or revoked keys count against their source address: past `authFailuresPerMinute` (a burst of as
 * many), keys not already known from that address are refused with 429 without a look at the store.
 *
 * A presented key is verified against the store once and then held in memory, so a request costs a map
 * lookup, not a hash and a database read. It is verified again after LAST_USED_RESOLUTION_MS (which records
 * its last use). A revocation (`forgetKey`) takes effect at once, on every instance in a cluster: the others
 * hear it on the change bus; should that message be lost (Redis down), their next check against the store
 * refuses the key. Unknown keys are never cached.
 *
 * In cluster mode both limits are counted on Redis, so a key's budget (and an address's failures) are the same
 * whichever instance a request reaches; in one process they are the in-memory buckets, answered at once.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly limiter: RateLimiter;
  private readonly failures: RateLimiter;
  private readonly verified = new Map<string, VerifiedKey>();

  constructor(
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(REDIS_LINK) link?: RedisLink,
    @Optional() @Inject(CHANGE_BUS) private readonly bus?: ChangeBus,
  ) {
    this.limiter = createRateLimiter({ name: 'api-key', perMinute: config.rateLimitPerMinute, clock, link });
    this.failures = createRateLimiter({ name: 'auth-failure', perMinute: config.tuning.authFailuresPerMinute, clock, link, maxKeys: 10_000 });
    bus?.on(BUS_TYPES.keyRevoked, parseKeyRevoked, ({ keyId }) => this.dropVerified(keyId));
  }

  /**
   * Throws ApiError 401 (no, unknown or revoked key), 429 (over the key's limit, or too many failed keys from
   * `source`, the caller's address) or 403 (missing scope). The key's 429 and 403 carry its RateLimit-* headers.
   */
  async authenticate(token: string | undefined, scope: Scope, source?: string): Promise<Authenticated> {
    return this.check(token, scope, source);
  }

  /**
   * {@link authenticate}, answered at once (or thrown) when it can be: a key verified recently, counted by the
   * in-process limiter. That is every request of a known key in one process, and the HTTP guard's path: no
   * promise, no turn. A key to verify, or a limit counted on Redis, gives a promise.
   */
  check(token: string | undefined, scope: Scope, source?: string): Authenticated | Promise<Authenticated> {
    if (!token) throw ApiError.unauthorized();
    const now = this.clock.now();
    const key = this.verified.get(token);
    if (key === undefined || now - key.verifiedAt >= LAST_USED_RESOLUTION_MS) {
      return this.verify(token, scope, now, source, key === undefined).then((verified) => this.take(verified, scope));
    }
    return this.take(key, scope);
  }

  /** Counts the request against the key's limit and admits it. */
  private take(key: VerifiedKey, scope: Scope): Authenticated | Promise<Authenticated> {
    const taken = this.limiter.take(key.principal.keyId);
    return taken instanceof Promise ? this.admitLater(key, scope, taken) : this.admit(key, scope, taken);
  }

  /** Cluster mode: the bucket's answer comes from Redis. */
  private async admitLater(key: VerifiedKey, scope: Scope, taken: Promise<RateState>): Promise<Authenticated> {
    return this.admit(key, scope, await taken);
  }

  /** Lets the key in with its rate state, or throws its 429 (over the limit) or 403 (missing scope). */
  private admit(key: VerifiedKey, scope: Scope, rate: RateState): Authenticated {
    if (rate.retryAfterSeconds > 0) throw ApiError.rateLimited(rate.retryAfterSeconds, rateLimitHeaders(rate));
    if (!hasScope(key.scopes, scope)) throw ApiError.forbidden(`this API key lacks the ${scope} scope`, rateLimitHeaders(rate));
    return { principal: key.principal, rate };
  }

  /** Drops a revoked or deleted key: its rate bucket and every verified copy of it, on every instance in a cluster. */
  forgetKey(keyId: string): void {
    void this.limiter.forget(keyId);
    this.dropVerified(keyId);
    this.bus?.publish(BUS_TYPES.keyRevoked, { keyId });
  }

  private dropVerified(keyId: string): void {
    for (const [token, key] of this.verified) if (key.principal.keyId === keyId) this.verified.delete(token);
  }

  /** Verifies against the store; a key not held yet (`unknown`) is first refused if its address failed too often. */
  private async verify(token: string, scope: Scope, now: number, source: string | undefined, unknown: boolean): Promise<VerifiedKey> {
    if (unknown && source !== undefined) {
      const wait = await this.failures.waitSeconds(source);
      if (wait > 0) throw ApiError.rateLimited(wait, {}, `too many failed API keys from this address; retry in ${wait} s`);
    }
    const verdict = await this.store.apiKeys.verify(token, scope);
    if (verdict.status === 'invalid') {
      this.verified.delete(token);
      if (source !== undefined) await this.failures.take(source);
      throw ApiError.unauthorized('the API key is not valid or was revoked');
    }
    const { id, name, scopes } = verdict.key;
    if (this.verified.size >= MAX_CACHED_KEYS) this.verified.clear();
    const key: VerifiedKey = { principal: { keyId: id, name, scopes }, scopes, verifiedAt: now };
    this.verified.set(token, key);
    return key;
  }
}
