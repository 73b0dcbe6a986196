import type { Platform } from '@amo/presence-core';
import type { TimerClock } from '../http/timers';
import { requestToken } from './token-endpoint';
import { TokenCache } from './token-cache';
import type { TokenProvider, TokenSet } from './token-provider';

export interface ClientCredentialsOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Microsoft: `https://graph.microsoft.com/.default`. */
  scope?: string;
  /** Default `client_credentials`; Zoom server-to-server: `account_credentials`. */
  grantType?: string;
  /** Zoom: `{ account_id }`. */
  extraParams?: Record<string, string>;
  /** Zoom 'basic', Microsoft 'body' (default 'body'). */
  clientAuth?: 'basic' | 'body';
  paramsIn?: 'body' | 'query';
  /** Refresh this long before expiry, default 60 000 ms (capped at half the token's lifetime). */
  refreshMarginMs?: number;
  clock?: TimerClock;
  fetch?: typeof fetch;
  platform: Platform;
  timeoutMs?: number;
}

/**
 * App-only tokens (Microsoft identity platform client credentials, Zoom server-to-server account credentials):
 * cached, refreshed before expiry, one in-flight request shared by concurrent callers.
 */
export class ClientCredentialsTokenProvider implements TokenProvider {
  private readonly cache: TokenCache;

  constructor(private readonly o: ClientCredentialsOptions) {
    this.cache = new TokenCache(o.refreshMarginMs ?? 60_000, o.clock);
  }

  async getToken(): Promise<string> {
    const set = await this.cache.get(() => this.fetchToken());
    return set.accessToken;
  }

  invalidate(rejectedToken?: string): void {
    this.cache.invalidate(rejectedToken);
  }

  /** The current token set, for inspection (expiry, scope); undefined before the first fetch. */
  tokens(): TokenSet | undefined {
    return this.cache.tokens();
  }

  private fetchToken(): Promise<TokenSet> {
    const params: Record<string, string> = { grant_type: this.o.grantType ?? 'client_credentials' };
    if (this.o.scope !== undefined) params['scope'] = this.o.scope;
    Object.assign(params, this.o.extraParams);
    return requestToken({ ...this.o, clientAuth: this.o.clientAuth ?? 'body' }, params);
  }
}
