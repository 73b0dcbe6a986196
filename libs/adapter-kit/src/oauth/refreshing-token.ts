import { PresenceError, type Platform } from '@amo/presence-core';
import type { TimerClock } from '../http/timers';
import { requestToken } from './token-endpoint';
import { TokenCache } from './token-cache';
import type { TokenProvider, TokenSet } from './token-provider';

export interface RefreshingTokenOptions {
  /** What the authorization-code exchange (or the vault) gave us. */
  tokens: TokenSet;
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  clientAuth?: 'basic' | 'body';
  /** Called with every refreshed set, so the caller can persist a rotated refresh token. */
  onRefresh?(tokens: TokenSet): void;
  refreshMarginMs?: number;
  clock?: TimerClock;
  fetch?: typeof fetch;
  platform: Platform;
  timeoutMs?: number;
}

/**
 * A delegated (user) token kept alive with its refresh token (RFC 6749 section 6). A rotated refresh token replaces
 * the old one; a response without one keeps the old. With no refresh token left, an expired token is AUTH_INVALID.
 */
export class RefreshingTokenProvider implements TokenProvider {
  private readonly cache: TokenCache;

  constructor(private readonly o: RefreshingTokenOptions) {
    this.cache = new TokenCache(o.refreshMarginMs ?? 60_000, o.clock, o.tokens);
  }

  async getToken(): Promise<string> {
    const set = await this.cache.get((stale) => this.refresh(stale));
    return set.accessToken;
  }

  invalidate(rejectedToken?: string): void {
    this.cache.invalidate(rejectedToken);
  }

  tokens(): TokenSet | undefined {
    return this.cache.tokens();
  }

  private async refresh(stale: TokenSet | undefined): Promise<TokenSet> {
    const refreshToken = stale?.refreshToken;
    if (!refreshToken) {
      throw new PresenceError('AUTH_INVALID', `${this.o.platform} access token expired and there is no refresh token`, {
        platform: this.o.platform,
      });
    }
    const fresh = await requestToken(
      { ...this.o, clientAuth: this.o.clientAuth ?? 'body' },
      { grant_type: 'refresh_token', refresh_token: refreshToken },
    );
    const set: TokenSet = { ...fresh, refreshToken: fresh.refreshToken ?? refreshToken };
    this.o.onRefresh?.(set);
    return set;
  }
}

/**
 * An adapter's `onTokenRefresh` for a platform descriptor: each refreshed set (a rotated refresh token included)
 * goes back into the stored connection through `save` (the descriptor context's `saveCredentials`), merged into
 * the credential record the adapter was built from, so a restart uses the newest grant.
 */
export function storeRefreshedTokens<C extends { refreshToken?: string }>(
  save: (credentials: Record<string, unknown>, expiresAt?: Date) => void,
  credentials: C,
): (tokens: TokenSet) => void {
  // The newest record, not the first: a set without a refresh token keeps the last rotated one.
  let current: Record<string, unknown> = { ...credentials };
  return (tokens) => {
    const refreshToken = tokens.refreshToken ?? (current.refreshToken as string | undefined);
    current = { ...current, accessToken: tokens.accessToken, refreshToken, accessTokenExpiresAt: tokens.expiresAt };
    save(current, tokens.expiresAt === undefined ? undefined : new Date(tokens.expiresAt));
  };
}
