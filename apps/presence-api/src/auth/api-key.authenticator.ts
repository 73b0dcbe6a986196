import type { Clock } from '@amo/presence-core';
import type { PresenceStore } from '@amo/presence-store';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ApiError } from '../errors/api-error';
import { CLOCK } from '../presence/clock.provider';
import { PRESENCE_STORE } from '../store/store.providers';
import { KeyRateLimiter } from './rate-limiter';
import type { ApiPrincipal, Scope } from './scopes';

/** Key -> principal, the per-key rate limit, then the scope: shared by the HTTP guard and the stream upgrade. */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly limiter: KeyRateLimiter;

  constructor(
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.limiter = new KeyRateLimiter(config.rateLimitPerMinute, clock);
  }

  /** Throws ApiError 401 (no, unknown or revoked key), 429 (over the key's limit) or 403 (missing scope). */
  async authenticate(token: string | undefined, scope: Scope): Promise<ApiPrincipal> {
    if (!token) throw ApiError.unauthorized();
    const verdict = await this.store.apiKeys.verify(token, scope);
    if (verdict.status === 'invalid') throw ApiError.unauthorized('the API key is not valid or was revoked');
    const wait = this.limiter.take(verdict.key.id);
    if (wait > 0) throw ApiError.rateLimited(wait);
    if (verdict.status === 'forbidden') throw ApiError.forbidden(`this API key lacks the ${scope} scope`);
    return { keyId: verdict.key.id, name: verdict.key.name, scopes: verdict.key.scopes };
  }

  forgetKey(keyId: string): void {
    this.limiter.forget(keyId);
  }
}
