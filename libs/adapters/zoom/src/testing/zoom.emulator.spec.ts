import { ZoomEmulator } from './zoom.emulator';

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

describe('ZoomEmulator', () => {
  let now = Date.parse('2026-03-02T10:00:00Z');
  const clock = { now: () => now };
  let zoom: ZoomEmulator;

  beforeEach(async () => {
    zoom = await ZoomEmulator.start({
      clock,
      rateLimit: { limit: 2, windowMs: 1000 },
      users: [
        { id: 'u1', email: 'ada@example.com', status: 'Available' },
        { id: 'u2', status: 'Do_Not_Disturb', endTime: '2026-03-02T10:20:00Z', remainingTime: 20 },
      ],
    });
  });
  afterEach(() => zoom.close());

  async function token(auth = basic(zoom.clientId, zoom.clientSecret), query = `grant_type=account_credentials&account_id=${zoom.accountId}`) {
    const response = await fetch(`${zoom.oauthBaseUrl}/oauth/token?${query}`, { method: 'POST', headers: { authorization: auth } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function presence(id: string, accessToken: string) {
    const response = await fetch(`${zoom.apiBaseUrl}/users/${encodeURIComponent(id)}/presence_status`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }

  it('issues one-hour bearer tokens without a refresh token for a valid Basic client', async () => {
    const { status, body } = await token();
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'user:read:presence_status:admin' });
    expect(body.refresh_token).toBeUndefined();
  });

  it("expires issued tokens on demand (401 code 124, a new token works) and deactivates the app (invalid_client until reactivated)", async () => {
    const first = (await token()).body.access_token as string;
    zoom.expireTokens();
    expect(await presence('u1', first)).toMatchObject({ status: 401, body: { code: 124, message: 'Access token is expired.' } });
    const second = (await token()).body.access_token as string;
    expect((await presence('u1', second)).status).toBe(200);
    zoom.deactivateApp();
    now += 1000; // past the spec's 2-reads-a-second budget
    expect((await presence('u1', second)).status).toBe(401);
    expect(await token()).toEqual({ status: 401, body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' } });
    zoom.reactivateApp();
    expect((await token()).status).toBe(200);
  });

  it('accepts the parameters as a form body too', async () => {
    const response = await fetch(`${zoom.oauthBaseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic(zoom.clientId, zoom.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=account_credentials&account_id=${zoom.accountId}`,
    });
    expect(response.status).toBe(200);
  });

  it('refuses bad client credentials, grant types and accounts', async () => {
    expect(await token(basic(zoom.clientId, 'wrong'))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect((await token('Bearer x')).status).toBe(401);
    expect((await token(undefined, `grant_type=client_credentials&account_id=${zoom.accountId}`)).body.error).toBe(
      'unsupported_grant_type',
    );
    expect((await token(undefined, 'grant_type=account_credentials&account_id=other')).status).toBe(400);
  });

  it('answers presence by id or email, with timed DND fields and rate headers', async () => {
    const { body: t } = await token();
    const ada = await presence('ada@example.com', t.access_token as string);
    expect(ada.body).toEqual({ status: 'Available' });
    expect(ada.headers.get('x-ratelimit-category')).toBe('Medium');
    expect(ada.headers.get('x-ratelimit-remaining')).toBe('1');
    const dnd = await presence('u2', t.access_token as string);
    expect(dnd.body).toEqual({ status: 'Do_Not_Disturb', end_time: '2026-03-02T10:20:00Z', remaining_time: 20 });
    expect(dnd.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('answers Zoom-shaped 404s, 401s, 429s and scope errors', async () => {
    const { body: t } = await token();
    const accessToken = t.access_token as string;
    expect(await presence('nobody', accessToken)).toMatchObject({ status: 404, body: { code: 1001 } });
    expect(await presence('u1', 'forged')).toMatchObject({ status: 401, body: { code: 124 } });
    const limited = await presence('u1', accessToken);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body).toMatchObject({ code: 429 });
    expect(zoom.server.overBudgetCount()).toBe(1);
    now += 1000;
    zoom.rateLimitStorm(1, 3);
    expect((await presence('u1', accessToken)).headers.get('retry-after')).toBe('3');
    expect((await presence('u1', accessToken)).status).toBe(200);
  });

  it('expires and revokes tokens on its clock', async () => {
    const { body: t } = await token();
    now += 3600_000;
    expect((await presence('u1', t.access_token as string)).body).toMatchObject({ code: 124, message: 'Access token is expired.' });
    const { body: fresh } = await token();
    zoom.revokeTokens();
    expect((await presence('u1', fresh.access_token as string)).status).toBe(401);
  });

  it('can issue tokens without the presence scope', async () => {
    const scoped = await ZoomEmulator.start({ grantPresenceScope: false, users: [{ id: 'u1', status: 'Away' }] });
    try {
      const response = await fetch(`${scoped.oauthBaseUrl}/oauth/token?grant_type=account_credentials&account_id=${scoped.accountId}`, {
        method: 'POST',
        headers: { authorization: basic(scoped.clientId, scoped.clientSecret) },
      });
      const { access_token } = (await response.json()) as { access_token: string };
      const read = await fetch(`${scoped.apiBaseUrl}/users/u1/presence_status`, { headers: { authorization: `Bearer ${access_token}` } });
      expect(read.status).toBe(400);
      expect(await read.json()).toMatchObject({ code: 4711 });
    } finally {
      await scoped.close();
    }
  });

  it('manages users and silent status changes', () => {
    zoom.setStatus('u3', 'Away');
    expect(zoom.user('u3')).toEqual({ id: 'u3', status: 'Away' });
    zoom.setStatus('ADA@example.com', 'Busy');
    expect(zoom.user('u1')?.status).toBe('Busy');
    zoom.removeUser('u3');
    expect(zoom.user('u3')).toBeUndefined();
    expect(zoom.credentials).toMatchObject({ account_id: zoom.accountId, webhook_secret_token: zoom.webhookSecretToken });
  });
});
