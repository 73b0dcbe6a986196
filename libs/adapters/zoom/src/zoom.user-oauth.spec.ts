import { buildAuthorizeUrl, createPkcePair, exchangeAuthorizationCode, type TokenSet } from '@amo/presence-adapter-kit';
import { ZoomEmulator } from './testing';
import { createZoomAdapter } from './zoom.adapter';
import { parseZoomCredentials } from './zoom.credentials';

const REDIRECT = 'http://127.0.0.1:1/v1/oauth/zoom/callback';

describe('Zoom user OAuth: the emulator flow and an adapter on a user grant', () => {
  let now = Date.parse('2026-03-02T10:00:00Z');
  const clock = { now: () => now };
  let zoom: ZoomEmulator;

  beforeEach(async () => {
    now = Date.parse('2026-03-02T10:00:00Z');
    zoom = await ZoomEmulator.start({ clock, users: [{ id: 'u-admin', status: 'Available' }, { id: 'u2', status: 'Away' }] });
  });
  afterEach(() => zoom.close());

  /** The browser leg: open the authorize URL, read the redirect back to the app. */
  async function authorize(pkce = createPkcePair(), state = 'st-1'): Promise<URL> {
    const url = buildAuthorizeUrl({ authorizeUrl: `${zoom.oauthBaseUrl}/oauth/authorize`, clientId: zoom.clientId, redirectUri: REDIRECT, state, pkce });
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location') as string);
  }

  const exchange = (code: string, codeVerifier: string, clientSecret = zoom.clientSecret): Promise<TokenSet> =>
    exchangeAuthorizationCode({
      tokenUrl: `${zoom.oauthBaseUrl}/oauth/token`,
      clientId: zoom.clientId,
      clientSecret,
      code,
      redirectUri: REDIRECT,
      codeVerifier,
      clientAuth: 'basic',
      platform: 'zoom',
      clock,
    });

  it('redirects back with code and state, redeems the code once with the PKCE verifier and Basic client auth', async () => {
    const pkce = createPkcePair();
    const back = await authorize(pkce);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code') as string;
    await expect(exchange(code, 'not-the-verifier-not-the-verifier-not-the-verifier')).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    const again = await authorize(pkce);
    await expect(exchange(again.searchParams.get('code') as string, pkce.verifier, 'wrong-secret')).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    const third = await authorize(pkce);
    const tokens = await exchange(third.searchParams.get('code') as string, pkce.verifier);
    expect(tokens).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresAt: now + 3600_000 });
    await expect(exchange(third.searchParams.get('code') as string, pkce.verifier)).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    expect(zoom.tokenRequests().at(-1)?.headers.authorization).toMatch(/^Basic /);
  });

  it('says access_denied when the user declines', async () => {
    zoom.userOAuth.denyNext();
    const back = await authorize();
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
    expect(back.searchParams.get('state')).toBe('st-1');
  });

  it('parses a user grant record: no account_id, tokens kept, expiry as epoch ms', () => {
    const record = { client_id: 'cid', client_secret: 'cs', access_token: 'at', refresh_token: 'rt', expires_at: '1700000000000' };
    const parsed = parseZoomCredentials(record);
    expect(parsed).toEqual({ clientId: 'cid', clientSecret: 'cs', accessToken: 'at', refreshToken: 'rt', accessTokenExpiresAt: 1_700_000_000_000 });
    expect(parseZoomCredentials(parsed)).toEqual(parsed);
    expect(() => parseZoomCredentials({ ...record, expires_at: 'soon' })).toThrow(/expires_at must be epoch milliseconds/);
    expect(() => parseZoomCredentials({ access_token: 'at', client_id: 'cid' })).toThrow(/client_secret/);
    // An account_id makes it a Server-to-Server record: the grant is not used.
    expect(parseZoomCredentials({ ...record, account_id: 'acc' })).toEqual({ accountId: 'acc', clientId: 'cid', clientSecret: 'cs' });
  });

  it('connects with the grant (users/me), polls with it, and refreshes it after expiry, reporting the rotated set', async () => {
    const grant = zoom.userOAuth.issue();
    const refreshed: TokenSet[] = [];
    const adapter = createZoomAdapter(
      {
        credentials: { client_id: zoom.clientId, client_secret: zoom.clientSecret, access_token: grant.accessToken, refresh_token: grant.refreshToken, expires_at: grant.expiresAt },
        apiBaseUrl: zoom.apiBaseUrl,
        oauthBaseUrl: zoom.oauthBaseUrl,
        onTokenRefresh: (tokens) => refreshed.push(tokens),
      },
      { clock },
    );
    try {
      await adapter.connect();
      expect(zoom.server.requestsTo('/v2/users/me', 'GET')).toHaveLength(1);
      expect(zoom.tokenRequests()).toHaveLength(0);
      expect(adapter.capabilities.rateBudgets[0].bucket).toBe(`zoom:medium:app-${zoom.clientId}`);
      const first = await adapter.fetchPresence(['u2', 'nobody']);
      expect(first.records.map((r) => [r.accountId, r.status])).toEqual([['u2', 'away']]);
      expect(first.notFound).toEqual(['nobody']);

      now += 3600_000;
      zoom.setStatus('u2', 'Do_Not_Disturb');
      const second = await adapter.fetchPresence(['u2']);
      expect(second.records[0].status).toBe('busy');
      expect(zoom.tokenRequests()).toHaveLength(1);
      expect(refreshed).toHaveLength(1);
      expect(refreshed[0].refreshToken).not.toBe(grant.refreshToken);
      // Zoom rotates refresh tokens: the old one is spent.
      const replay = await fetch(`${zoom.oauthBaseUrl}/oauth/token?grant_type=refresh_token&refresh_token=${grant.refreshToken}`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${zoom.clientId}:${zoom.clientSecret}`).toString('base64')}` },
      });
      expect(replay.status).toBe(400);
    } finally {
      await adapter.close();
    }
  });

  it('refuses a user grant the platform does not know (users/me 401) at connect', async () => {
    const adapter = createZoomAdapter(
      { credentials: { client_id: zoom.clientId, client_secret: zoom.clientSecret, access_token: 'forged' }, apiBaseUrl: zoom.apiBaseUrl, oauthBaseUrl: zoom.oauthBaseUrl, maxRetries: 0 },
      { clock },
    );
    try {
      await expect(adapter.connect()).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    } finally {
      await adapter.close();
    }
  });
});
