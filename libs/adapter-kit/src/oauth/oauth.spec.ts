import { EmulatorServer } from '../testing/emulator-server';
import type { EmulatorRequest } from '../testing/emulator-types';
import { baseHttpError } from '../http/http-outcome';
import { PlatformHttpClient } from '../http/platform-http-client';
import { exchangeAuthorizationCode } from './authorization-code';
import { ClientCredentialsTokenProvider } from './client-credentials';
import { RefreshingTokenProvider, storeRefreshedTokens } from './refreshing-token';
import type { TokenSet } from './token-provider';

/** A token endpoint that issues numbered tokens and remembers which ones are valid. */
async function tokenEmulator(expiresIn = 3600) {
  const emulator = await EmulatorServer.start();
  let issued = 0;
  const valid = new Set<string>();
  emulator.route('POST', '/oauth/token', (req) => {
    issued += 1;
    const token = `at-${issued}`;
    valid.add(token);
    const body = { ...req.query, ...(req.body as Record<string, string> | undefined) };
    return {
      json: {
        token_type: 'Bearer',
        access_token: token,
        expires_in: expiresIn,
        ...(body.grant_type === 'refresh_token' && body.refresh_token !== 'keep' ? { refresh_token: `rt-${issued}` } : {}),
        ...(body.grant_type === 'authorization_code' ? { refresh_token: 'rt-first', scope: 'presence', guild: { id: 'g1' } } : {}),
      },
    };
  });
  emulator.route('GET', '/v2/me', (req) => {
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    return valid.has(token) ? { json: { token } } : { status: 401, json: { code: 124, message: 'Invalid access token.' } };
  });
  const tokenRequests = (): EmulatorRequest[] => emulator.requestsTo('/oauth/token');
  return { emulator, tokenRequests, revoke: (token: string) => valid.delete(token) };
}

function manualClock(start = 1_000_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

describe('ClientCredentialsTokenProvider', () => {
  let env: Awaited<ReturnType<typeof tokenEmulator>>;
  beforeEach(async () => (env = await tokenEmulator()));
  afterEach(() => env.emulator.close());

  it('posts client_credentials with the secret in the body (Microsoft) and caches the token', async () => {
    const clock = manualClock();
    const provider = new ClientCredentialsTokenProvider({
      platform: 'teams',
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'app-id',
      clientSecret: 's3cret',
      scope: 'https://graph.microsoft.com/.default',
      clock,
    });
    await expect(provider.getToken()).resolves.toBe('at-1');
    await expect(provider.getToken()).resolves.toBe('at-1');
    expect(env.tokenRequests()).toHaveLength(1);
    expect(env.tokenRequests()[0].body).toEqual({
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
      client_id: 'app-id',
      client_secret: 's3cret',
    });
    expect(env.tokenRequests()[0].headers.authorization).toBeUndefined();
    expect(provider.tokens()).toMatchObject({ accessToken: 'at-1', expiresAt: clock.t + 3_600_000, tokenType: 'Bearer' });
  });

  it('sends Zoom account_credentials with Basic auth and the grant in the query', async () => {
    const provider = new ClientCredentialsTokenProvider({
      platform: 'zoom',
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'zoom-id',
      clientSecret: 'zoom-secret',
      grantType: 'account_credentials',
      extraParams: { account_id: 'acc-1' },
      clientAuth: 'basic',
      paramsIn: 'query',
    });
    await provider.getToken();
    const [req] = env.tokenRequests();
    expect(req.query).toEqual({ grant_type: 'account_credentials', account_id: 'acc-1' });
    expect(req.headers.authorization).toBe('Basic ' + Buffer.from('zoom-id:zoom-secret').toString('base64'));
    expect(req.text).toBe('');
  });

  it('refreshes before expiry, by the margin', async () => {
    const clock = manualClock();
    const provider = new ClientCredentialsTokenProvider({
      platform: 'teams',
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'c',
      clientSecret: 's',
      refreshMarginMs: 60_000,
      clock,
    });
    await provider.getToken();
    clock.t += 3_600_000 - 60_001;
    await expect(provider.getToken()).resolves.toBe('at-1');
    clock.t += 1;
    await expect(provider.getToken()).resolves.toBe('at-2');
    expect(env.tokenRequests()).toHaveLength(2);
  });

  it('caps the margin at half a short token lifetime', async () => {
    await env.emulator.close();
    env = await tokenEmulator(60);
    const clock = manualClock();
    const provider = new ClientCredentialsTokenProvider({
      platform: 'teams',
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'c',
      clientSecret: 's',
      clock,
    });
    await provider.getToken();
    clock.t += 29_999;
    await expect(provider.getToken()).resolves.toBe('at-1');
    clock.t += 1;
    await expect(provider.getToken()).resolves.toBe('at-2');
  });

  it('lets two concurrent callers during a refresh share one token request', async () => {
    const clock = manualClock();
    const provider = new ClientCredentialsTokenProvider({
      platform: 'zoom',
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'c',
      clientSecret: 's',
      clock,
    });
    await provider.getToken();
    clock.t += 3_600_000;
    env.emulator.faults.delayNext(1, 40);
    const [a, b] = await Promise.all([provider.getToken(), provider.getToken()]);
    expect([a, b]).toEqual(['at-2', 'at-2']);
    expect(env.tokenRequests()).toHaveLength(2);
  });

  it('invalidate(rejected) ignores a token that was already replaced', async () => {
    const provider = new ClientCredentialsTokenProvider({
      platform: 'zoom',
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'c',
      clientSecret: 's',
    });
    await provider.getToken();
    provider.invalidate('at-0');
    await expect(provider.getToken()).resolves.toBe('at-1');
    provider.invalidate('at-1');
    await expect(provider.getToken()).resolves.toBe('at-2');
    provider.invalidate();
    await expect(provider.getToken()).resolves.toBe('at-3');
  });

  it('gives the HTTP client exactly one refresh and one retry on 401', async () => {
    const tokens = new ClientCredentialsTokenProvider({
      platform: 'zoom',
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'c',
      clientSecret: 's',
    });
    const http = new PlatformHttpClient({
      platform: 'zoom',
      baseUrl: `${env.emulator.url}/v2`,
      parseError: (o) => baseHttpError('zoom', o),
      auth: tokens,
    });
    await expect(http.request({ path: '/me' })).resolves.toMatchObject({ body: { token: 'at-1' } });
    env.revoke('at-1');
    await expect(http.request({ path: '/me' })).resolves.toMatchObject({ body: { token: 'at-2' } });
    expect(env.tokenRequests()).toHaveLength(2);
    expect(env.emulator.requestsTo('/v2/me')).toHaveLength(3);
    env.revoke('at-2');
    env.emulator.faults.failNext(1, { json: { access_token: 'never-valid', expires_in: 3600 } }, '/oauth/token');
    await expect(http.request({ path: '/me' })).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    expect(env.emulator.requestsTo('/v2/me')).toHaveLength(5);
    http.close();
  });
});

describe('token endpoint errors', () => {
  let emulator: EmulatorServer;
  beforeEach(async () => (emulator = await EmulatorServer.start()));
  afterEach(() => emulator.close());

  const provider = (timeoutMs?: number) =>
    new ClientCredentialsTokenProvider({
      platform: 'teams',
      tokenUrl: `${emulator.url}/token`,
      clientId: 'c',
      clientSecret: 'super-secret-value',
      timeoutMs,
    });

  it.each([
    [{ status: 400, json: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret.' } }, 'AUTH_INVALID'],
    [{ status: 400, json: { error: 'invalid_grant' } }, 'AUTH_INVALID'],
    [{ status: 400, json: { error: 'unauthorized_client' } }, 'AUTH_INVALID'],
    [{ status: 401, json: {} }, 'AUTH_INVALID'],
    [{ status: 400, json: { error: 'invalid_scope' } }, 'PERMISSION_DENIED'],
    [{ status: 403, body: 'Forbidden' }, 'PERMISSION_DENIED'],
    [{ status: 400, json: { error: 'invalid_request' } }, 'PROTOCOL'],
    [{ status: 500, body: 'oops' }, 'TRANSIENT'],
    [{ status: 503, json: { error: 'temporarily_unavailable' }, headers: { 'retry-after': '5' } }, 'TRANSIENT'],
    [{ status: 429, json: {}, headers: { 'retry-after': '9' } }, 'RATE_LIMITED'],
    [{ status: 200, json: { ok: false, error: 'invalid_code' } }, 'AUTH_INVALID'],
    [{ status: 200, json: { token_type: 'Bearer' } }, 'PROTOCOL'],
  ])('maps %j to %s without leaking the secret', async (reply, code) => {
    emulator.route('POST', '/token', () => reply);
    const error = await provider().getToken().catch((e: Error) => e);
    expect(error).toMatchObject({ code, platform: 'teams' });
    expect(String((error as Error).message)).not.toContain('super-secret-value');
  });

  it('carries Retry-After on 429', async () => {
    emulator.route('POST', '/token', () => ({ status: 429, headers: { 'retry-after': '9' } }));
    await expect(provider().getToken()).rejects.toMatchObject({ retryAfterMs: 9_000 });
  });

  it('maps resets, malformed JSON and timeouts', async () => {
    emulator.route('POST', '/token', () => ({ json: { access_token: 'ok' } }));
    emulator.faults.dropNext(1).malformedNext(1).malformedNext(1, undefined, 502).delayNext(1, 1_000);
    await expect(provider().getToken()).rejects.toMatchObject({ code: 'TRANSIENT' });
    await expect(provider().getToken()).rejects.toMatchObject({ code: 'PROTOCOL' });
    await expect(provider().getToken()).rejects.toMatchObject({ code: 'TRANSIENT' });
    await expect(provider(50).getToken()).rejects.toMatchObject({ code: 'TRANSIENT' });
    await expect(provider().getToken()).resolves.toBe('ok');
  });
});

describe('RefreshingTokenProvider and exchangeAuthorizationCode', () => {
  let env: Awaited<ReturnType<typeof tokenEmulator>>;
  beforeEach(async () => (env = await tokenEmulator()));
  afterEach(() => env.emulator.close());

  it('exchanges a code with PKCE and keeps platform extras in raw', async () => {
    const clock = manualClock();
    const set = await exchangeAuthorizationCode({
      platform: 'discord',
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'cid',
      clientSecret: 'cs',
      code: 'the-code',
      redirectUri: 'http://127.0.0.1/cb',
      codeVerifier: 'verifier',
      clock,
    });
    expect(env.tokenRequests()[0].body).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'http://127.0.0.1/cb',
      code_verifier: 'verifier',
      client_id: 'cid',
      client_secret: 'cs',
    });
    expect(set).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-first', scope: 'presence', expiresAt: clock.t + 3_600_000 });
    expect(set.raw['guild']).toEqual({ id: 'g1' });
  });

  it('sends only client_id for a public client', async () => {
    await exchangeAuthorizationCode({
      platform: 'linkedin',
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'public',
      code: 'c',
      redirectUri: 'https://r',
    });
    expect(env.tokenRequests()[0].body).toEqual({ grant_type: 'authorization_code', code: 'c', redirect_uri: 'https://r', client_id: 'public' });
  });

  it('refreshes an expiring token, rotates the refresh token and reports it', async () => {
    const clock = manualClock();
    const refreshed: TokenSet[] = [];
    const provider = new RefreshingTokenProvider({
      platform: 'teams',
      tokens: { accessToken: 'initial', refreshToken: 'rt-0', expiresAt: clock.t + 120_000, raw: {} },
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'cid',
      clientSecret: 'cs',
      onRefresh: (t) => refreshed.push(t),
      clock,
    });
    await expect(provider.getToken()).resolves.toBe('initial');
    clock.t += 60_000;
    await expect(provider.getToken()).resolves.toBe('at-1');
    expect(env.tokenRequests()[0].body).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'rt-0' });
    expect(refreshed.map((t) => t.refreshToken)).toEqual(['rt-1']);
    provider.invalidate('at-1');
    await expect(provider.getToken()).resolves.toBe('at-2');
    expect(env.tokenRequests()[1].body).toMatchObject({ refresh_token: 'rt-1' });
    expect(provider.tokens()?.refreshToken).toBe('rt-2');
  });

  it('keeps the old refresh token when the response has none', async () => {
    const provider = new RefreshingTokenProvider({
      platform: 'linkedin',
      tokens: { accessToken: 'x', refreshToken: 'keep', expiresAt: 0, raw: {} },
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'cid',
    });
    await provider.getToken();
    expect(provider.tokens()?.refreshToken).toBe('keep');
  });

  it('is AUTH_INVALID when expired without a refresh token, or when the refresh is rejected', async () => {
    const expired = new RefreshingTokenProvider({
      platform: 'slack',
      tokens: { accessToken: 'x', expiresAt: 0, raw: {} },
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'cid',
    });
    await expect(expired.getToken()).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    env.emulator.faults.failNext(1, { status: 400, json: { error: 'invalid_grant' } });
    const rejected = new RefreshingTokenProvider({
      platform: 'slack',
      tokens: { accessToken: 'x', refreshToken: 'r', expiresAt: 0, raw: {} },
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'cid',
      clientAuth: 'basic',
      clientSecret: 'cs',
    });
    await expect(rejected.getToken()).rejects.toMatchObject({ code: 'AUTH_INVALID' });
  });

  it('never refreshes a token without expiry until invalidated', async () => {
    const provider = new RefreshingTokenProvider({
      platform: 'slack',
      tokens: { accessToken: 'xoxb', refreshToken: 'r', raw: {} },
      tokenUrl: `${env.emulator.url}/oauth/token`,
      clientId: 'cid',
    });
    await expect(provider.getToken()).resolves.toBe('xoxb');
    expect(env.tokenRequests()).toHaveLength(0);
    provider.invalidate();
    await expect(provider.getToken()).resolves.toBe('at-1');
  });
});

describe('storeRefreshedTokens', () => {
  it('merges each refreshed set into the credential record and passes its expiry as a Date', () => {
    const saved: [Record<string, unknown>, Date | undefined][] = [];
    const store = storeRefreshedTokens((credentials, expiresAt) => saved.push([credentials, expiresAt]), { clientId: 'c', refreshToken: 'r1' });
    store({ accessToken: 'a2', refreshToken: 'r2', expiresAt: 1_000, raw: {} });
    store({ accessToken: 'a3', raw: {} });
    expect(saved).toEqual([
      [{ clientId: 'c', accessToken: 'a2', refreshToken: 'r2', accessTokenExpiresAt: 1_000 }, new Date(1_000)],
      // A set without a refresh token keeps the last rotated one (r2), not the first (r1).
      [{ clientId: 'c', accessToken: 'a3', refreshToken: 'r2', accessTokenExpiresAt: undefined }, undefined],
    ]);
  });
});
