import type { Platform } from '@amo/presence-core';
import type { TimerClock } from '../http/timers';
import { requestToken } from './token-endpoint';
import type { TokenSet } from './token-provider';

export interface AuthorizationCodeExchange {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  code: string;
  redirectUri: string;
  /** The PKCE verifier whose challenge went into the authorize URL (RFC 7636 4.5). */
  codeVerifier?: string;
  clientAuth?: 'basic' | 'body';
  fetch?: typeof fetch;
  clock?: TimerClock;
  platform: Platform;
  timeoutMs?: number;
}

/**
 * Redeems an authorization code (RFC 6749 4.1.3). `raw` keeps what platforms add: Slack's team and authed_user,
 * Discord's guild for a bot install, Microsoft's id_token.
 */
export function exchangeAuthorizationCode(o: AuthorizationCodeExchange): Promise<TokenSet> {
  const params: Record<string, string> = {
    grant_type: 'authorization_code',
    code: o.code,
    redirect_uri: o.redirectUri,
  };
  if (o.codeVerifier !== undefined) params['code_verifier'] = o.codeVerifier;
  return requestToken({ ...o, clientAuth: o.clientAuth ?? 'body' }, params);
}
