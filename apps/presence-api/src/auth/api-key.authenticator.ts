import type { Clock } from '@amo/presence-core';
import { type ApiKeyScope, LAST_USED_RESOLUTION_MS, type PresenceStore, hasScope } from '@amo/presence-store';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ApiError } from '../errors/api-error';
import { CLOCK } from '../presence/clock.provider';
import { PRESENCE_STORE } from '../store/store.providers';
import { KeyRateLimiter, type RateState, rateLimitHeaders } from './rate-limiter';
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
 * its last use and sees a revocation made by another instance); a revocation through this instance
 * (`forgetKey`) takes effect at once. Unknown keys are never cached.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly limiter: KeyRateLimiter;
  private readonly failures: KeyRateLimiter;
  private readonly verified = new Map<string, VerifiedKey>();

  constructor(
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.limiter = new KeyRateLimiter(config.rateLimitPerMinute, clock);
    this.failures = new KeyRateLimiter(config.tuning.authFailuresPerMinute, clock, 10_000);
  }

  /**
   * Throws ApiError 401 (no, unknown or revoked key), 429 (over the key's limit, or too many failed keys from
   * `source`, the caller's address) or 403 (missing scope). The key's 429 and 403 carry its RateLimit-* headers.
   */
  async authenticate(token: string | undefined, scope: Scope, source?: string): Promise<Authenticated> {
    if (!token) throw ApiError.unauthorized();
    const now = this.clock.now();
    let key = this.verified.get(token);
    if (key === undefined && source !== undefined) {
      const wait = this.failures.waitSeconds(source);
      if (wait > 0) throw ApiError.rateLimited(wait, {}, `too many failed API keys from this address; retry in ${wait} s`);
    }
    if (key === undefined || now - key.verifiedAt >= LAST_USED_RESOLUTION_MS) key = await this.verify(token, scope, now, source);
    const rate = this.limiter.take(key.principal.keyId);
    if (rate.retryAfterSeconds > 0) throw ApiError.rateLimited(rate.retryAfterSeconds, rateLimitHeaders(rate));
    if (!hasScope(key.scopes, scope)) throw ApiError.forbidden(`this API key lacks the ${scope} scope`, rateLimitHeaders(rate));
    return { principal: key.principal, rate };
  }

  /** Drops a revoked or deleted key: its rate bucket and every verified copy of it. */
  forgetKey(keyId: string): void {
    this.limiter.forget(keyId);
    for (const [token, key] of this.verified) if (key.principal.keyId === keyId) this.verified.delete(token);
  }

  private async verify(token: string, scope: Scope, now: number, source: string | undefined): Promise<VerifiedKey> {
    const verdict = await this.store.apiKeys.verify(token, scope);
    if (verdict.status === 'invalid') {
      this.verified.delete(token);
      if (source !== undefined) this.failures.take(source);
      throw ApiError.unauthorized('the API key is not valid or was revoked');
    }
    const { id, name, scopes } = verdict.key;
    if (this.verified.size >= MAX_CACHED_KEYS) this.verified.clear();
    const key: VerifiedKey = { principal: { keyId: id, name, scopes }, scopes, verifiedAt: now };
    this.verified.set(token, key);
    return key;
  }
}
