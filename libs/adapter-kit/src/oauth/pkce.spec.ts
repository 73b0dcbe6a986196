import { createHash } from 'node:crypto';
import { buildAuthorizeUrl, createPkcePair, createState, pkceChallenge } from './pkce';

describe('PKCE and state', () => {
  it('matches the RFC 7636 appendix B example', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('creates a 43-char verifier whose challenge is base64url(sha256(verifier))', () => {
    const pair = createPkcePair();
    expect(pair.method).toBe('S256');
    expect(pair.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pair.challenge).toBe(createHash('sha256').update(pair.verifier).digest('base64url'));
    expect(createPkcePair().verifier).not.toBe(pair.verifier);
  });

  it('creates unguessable, distinct states', () => {
    const a = createState();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(createState()).not.toBe(a);
  });

  it('builds the authorization request URL, keeping the base query', () => {
    const url = new URL(
      buildAuthorizeUrl({
        authorizeUrl: 'https://login.example.test/tenant/oauth2/v2.0/authorize?prompt=consent',
        clientId: 'cid',
        redirectUri: 'http://127.0.0.1:3000/oauth/teams/callback',
        scope: 'Presence.Read.All offline_access',
        state: 'st',
        pkce: { challenge: 'ch', method: 'S256' },
        extraParams: { user_scope: 'users:read' },
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      prompt: 'consent',
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: 'http://127.0.0.1:3000/oauth/teams/callback',
      scope: 'Presence.Read.All offline_access',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      user_scope: 'users:read',
    });
    const bare = new URL(buildAuthorizeUrl({ authorizeUrl: 'https://x.test/auth', clientId: 'c', redirectUri: 'https://r', state: 's' }));
    expect(bare.searchParams.has('scope')).toBe(false);
    expect(bare.searchParams.has('code_challenge')).toBe(false);
  });
});
