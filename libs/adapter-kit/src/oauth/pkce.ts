import { createHash, randomBytes } from 'node:crypto';

/** RFC 7636 PKCE pair: a 43-character base64url verifier and its S256 challenge. */
export function createPkcePair(): { verifier: string; challenge: string; method: 'S256' } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

/** BASE64URL(SHA256(ASCII(code_verifier))), RFC 7636 section 4.2. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An unguessable single-use `state` value (192 random bits, base64url). */
export function createState(): string {
  return randomBytes(24).toString('base64url');
}

export interface AuthorizeUrlOptions {
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  /** Space-separated as RFC 6749 says; Slack's comma-separated scopes are passed through as given. */
  scope?: string;
  state: string;
  pkce?: { challenge: string; method: 'S256' };
  /** Platform extras: `user_scope` (Slack), `permissions`/`guild_id` (Discord), `prompt`... */
  extraParams?: Record<string, string>;
}

/** Builds the RFC 6749 section 4.1.1 authorization request URL, keeping any query the base URL already has. */
export function buildAuthorizeUrl(o: AuthorizeUrlOptions): string {
  const url = new URL(o.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', o.clientId);
  url.searchParams.set('redirect_uri', o.redirectUri);
  if (o.scope !== undefined) url.searchParams.set('scope', o.scope);
  url.searchParams.set('state', o.state);
  if (o.pkce) {
    url.searchParams.set('code_challenge', o.pkce.challenge);
    url.searchParams.set('code_challenge_method', o.pkce.method);
  }
  for (const [key, value] of Object.entries(o.extraParams ?? {})) url.searchParams.set(key, value);
  return url.toString();
}
