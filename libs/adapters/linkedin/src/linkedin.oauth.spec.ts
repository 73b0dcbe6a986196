import { createState, type TokenSet } from '@amo/presence-adapter-kit';
import { LinkedInEmulator } from './testing';
import { createLinkedInAdapter } from './linkedin.adapter';
import { buildLinkedInAuthorizeUrl, exchangeLinkedInCode } from './linkedin.oauth';

const DAY = 24 * 3600_000;
const REDIRECT = 'https://presence.example/oauth/linkedin/callback';

describe('LinkedIn three-legged OAuth against the emulator', () => {
  let now = Date.UTC(2026, 0, 1);
  const clock = { now: () => now };
  let emulator: LinkedInEmulator;

  afterEach(async () => {
    await emulator.close();
  });

  /** The member's browser: follows the authorization URL and reads the redirect's query. */
  async function authorize(url: string): Promise<URLSearchParams> {
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    return location.searchParams;
  }

  it('builds the authorization URL, exchanges the code for a 60-day token, and validates it via userinfo', async () => {
    now = Date.UTC(2026, 0, 1);
    emulator = await LinkedInEmulator.start({ clock });
    const state = createState();
    const url = buildLinkedInAuthorizeUrl({ clientId: emulator.clientId, redirectUri: REDIRECT, state, oauthBaseUrl: emulator.oauthBaseUrl });
    expect(url).toContain('/oauth/v2/authorization?response_type=code');
    expect(new URL(url).searchParams.get('scope')).toBe('openid profile');
    const callback = await authorize(url);
    expect(callback.get('state')).toBe(state);

    const code = callback.get('code') ?? '';
    const tokens = await exchangeLinkedInCode({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, code, redirectUri: REDIRECT, oauthBaseUrl: emulator.oauthBaseUrl, clock });
    expect(tokens.expiresAt).toBe(now + 60 * DAY);
    expect(tokens.refreshToken).toBeUndefined();
    const [exchange] = emulator.server.requestsTo('/oauth/v2/accessToken', 'POST');
    expect(exchange?.body).toMatchObject({ grant_type: 'authorization_code', client_id: emulator.clientId, client_secret: emulator.clientSecret, redirect_uri: REDIRECT });

    const adapter = createLinkedInAdapter({ credentials: { accessToken: tokens.accessToken }, apiBaseUrl: emulator.apiBaseUrl }, { clock });
    await adapter.connect();
    expect(adapter.connectedMember).toMatchObject({ sub: 'yrZCpj2ZYQ', name: 'Ada Lovelace', urn: 'urn:li:person:yrZCpj2ZYQ' });

    // A code is single-use: LinkedIn's invalid_request becomes AUTH_INVALID.
    await expect(
      exchangeLinkedInCode({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, code, redirectUri: REDIRECT, oauthBaseUrl: emulator.oauthBaseUrl }),
    ).rejects.toMatchObject({ code: 'AUTH_INVALID', platform: 'linkedin' });
    await adapter.close();
  });

  it('reports a cancelled authorization and a wrong client secret', async () => {
    emulator = await LinkedInEmulator.start({ clock });
    emulator.denyNext();
    const url = buildLinkedInAuthorizeUrl({ clientId: emulator.clientId, redirectUri: REDIRECT, state: 's', oauthBaseUrl: emulator.oauthBaseUrl });
    expect((await authorize(url)).get('error')).toBe('user_cancelled_authorize');
    const code = (await authorize(url)).get('code') ?? '';
    await expect(
      exchangeLinkedInCode({ clientId: emulator.clientId, clientSecret: 'wrong', code, redirectUri: REDIRECT, oauthBaseUrl: emulator.oauthBaseUrl }),
    ).rejects.toMatchObject({ code: 'AUTH_INVALID' });
  });

  it('refreshes a granted refresh token before the 60 days run out, and hands the new set to the caller', async () => {
    now = Date.UTC(2026, 0, 1);
    emulator = await LinkedInEmulator.start({ clock, grantRefreshTokens: true });
    const issued = emulator.issueToken();
    expect(issued.refreshToken).toBeDefined();
    const refreshed: TokenSet[] = [];
    const adapter = createLinkedInAdapter(
      {
        credentials: { clientId: emulator.clientId, clientSecret: emulator.clientSecret, accessToken: issued.accessToken, refreshToken: issued.refreshToken, accessTokenExpiresAt: issued.expiresAt },
        oauthBaseUrl: emulator.oauthBaseUrl,
        apiBaseUrl: emulator.apiBaseUrl,
        onTokenRefresh: (tokens) => refreshed.push(tokens),
      },
      { clock },
    );
    await adapter.connect();
    expect(refreshed).toHaveLength(0);

    now += 60 * DAY; // the access token has expired
    await adapter.connect();
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]?.accessToken).not.toBe(issued.accessToken);
    expect(refreshed[0]?.refreshToken).toBe(issued.refreshToken);
    expect(emulator.server.requestsTo('/oauth/v2/accessToken', 'POST')[0]?.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: issued.refreshToken });
    await adapter.close();
  });

  it('says AUTH_INVALID when a token expires and no refresh token was granted', async () => {
    now = Date.UTC(2026, 0, 1);
    emulator = await LinkedInEmulator.start({ clock });
    const issued = emulator.issueToken();
    const adapter = createLinkedInAdapter({ credentials: { accessToken: issued.accessToken }, apiBaseUrl: emulator.apiBaseUrl, maxRetries: 0 }, { clock });
    now += 61 * DAY;
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'AUTH_INVALID', message: expect.stringContaining('65602') });
    expect(emulator.server.requestsTo('/v2/userinfo')).toHaveLength(1);
    await adapter.close();
  });
});
