import { buildAuthorizeUrl, exchangeAuthorizationCode, type TokenSet } from '@amo/presence-adapter-kit';
import { type Clock, isPresenceError, PresenceError } from '@amo/presence-core';
import { linkedinManifest } from './linkedin.manifest';

const trim = (url: string): string => url.replace(/\/+$/, '');

/** `{oauthBase}/authorization` and `{oauthBase}/accessToken`, default base https://www.linkedin.com/oauth/v2. */
export function linkedinOAuthEndpoints(oauthBaseUrl: string = linkedinManifest.baseUrls.oauth.default): {
  authorizeUrl: string;
  tokenUrl: string;
} {
  const base = trim(oauthBaseUrl);
  return { authorizeUrl: base + linkedinManifest.auth.authorizePath, tokenUrl: base + linkedinManifest.auth.tokenPath };
}

export interface LinkedInAuthorizeOptions {
  clientId: string;
  redirectUri: string;
  /** A single-use value the callback must return unchanged (the kit's createState()). */
  state: string;
  /** Space-separated; default `openid profile`, enough for userinfo. Add approved scopes (rw_organization_admin). */
  scope?: string;
  oauthBaseUrl?: string;
}

/** Step 1 of the three-legged flow: where to send the member's browser. */
export function buildLinkedInAuthorizeUrl(options: LinkedInAuthorizeOptions): string {
  return buildAuthorizeUrl({
    authorizeUrl: linkedinOAuthEndpoints(options.oauthBaseUrl).authorizeUrl,
    clientId: options.clientId,
    redirectUri: options.redirectUri,
    scope: options.scope ?? linkedinManifest.auth.scopes.join(' '),
    state: options.state,
  });
}

export interface LinkedInCodeExchangeOptions {
  clientId: string;
  clientSecret: string;
  code: string;
  /** Must equal the redirect_uri of the authorization request. */
  redirectUri: string;
  oauthBaseUrl?: string;
  fetch?: typeof fetch;
  clock?: Clock;
}

/**
 * Step 2: trades the callback's code for tokens at `{oauthBase}/accessToken` (client id and secret in the form).
 * The access token lives 60 days; `refreshToken` is present only for apps LinkedIn granted refresh tokens.
 */
export async function exchangeLinkedInCode(options: LinkedInCodeExchangeOptions): Promise<TokenSet> {
  try {
    return await exchangeAuthorizationCode({
      tokenUrl: linkedinOAuthEndpoints(options.oauthBaseUrl).tokenUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      code: options.code,
      redirectUri: options.redirectUri,
      clientAuth: 'body',
      fetch: options.fetch,
      clock: options.clock,
      platform: 'linkedin',
    });
  } catch (error) {
    // LinkedIn answers a bad, reused or expired code with 400 invalid_request (not RFC's invalid_grant).
    if (isPresenceError(error) && error.code === 'PROTOCOL' && error.status === 400 && /invalid_request/.test(error.message)) {
      throw new PresenceError('AUTH_INVALID', `linkedin rejected the authorization code: ${error.message}`, { platform: 'linkedin', status: 400, cause: error });
    }
    throw error;
  }
}
