import { LinkedInEmulator } from '@amo/presence-adapter-linkedin/testing';
import { bootService, type RunningService, tempDir } from './harness.spec-helper';

describe('OAuth connect (LinkedIn three-legged flow against its emulator)', () => {
  const dir = tempDir();
  let linkedin: LinkedInEmulator;
  let service: RunningService;

  beforeAll(async () => {
    linkedin = await LinkedInEmulator.start();
    service = await bootService({
      dataDir: dir.path,
      env: {
        LINKEDIN_CLIENT_ID: linkedin.clientId,
        LINKEDIN_CLIENT_SECRET: linkedin.clientSecret,
        LINKEDIN_OAUTH_BASE_URL: linkedin.oauthBaseUrl,
        LINKEDIN_API_BASE_URL: linkedin.apiBaseUrl,
      },
    });
  });

  afterAll(async () => {
    await service?.close();
    await linkedin?.close();
    dir.remove();
  });

  /** What the admin's browser does: open the authorize URL, follow the platform's redirect to our callback. */
  async function browse(authorizeUrl: string): Promise<{ callback: string; status: number; page: string }> {
    const consent = await fetch(authorizeUrl, { redirect: 'manual' });
    const callback = consent.headers.get('location') as string;
    const page = await fetch(callback);
    return { callback, status: page.status, page: await page.text() };
  }

  it('issues an authorize URL with a state, connects on the callback, and stores the connection', async () => {
    expect((await service.call('GET', '/v1/platforms')).body.platforms.find((p: any) => p.platform === 'linkedin').connected).toBe(false);
    const start = await service.call('POST', '/v1/oauth/linkedin/start');
    expect(start.status).toBe(200);
    const authorize = new URL(start.body.authorizeUrl);
    expect(authorize.searchParams.get('client_id')).toBe(linkedin.clientId);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${service.url}/v1/oauth/linkedin/callback`);
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(Date.parse(start.body.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);

    const visit = await browse(start.body.authorizeUrl);
    expect(visit.status).toBe(200);
    expect(visit.page).toContain('linkedin is connected');
    const linkedinStatus = (await service.call('GET', '/v1/platforms')).body.platforms.find((p: any) => p.platform === 'linkedin');
    expect(linkedinStatus).toMatchObject({ connected: true, source: 'oauth', state: 'up' });

    const replay = await fetch(visit.callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('no longer valid');
  });

  it('shows a plain page when the member declines, and refuses a made-up state', async () => {
    linkedin.denyNext();
    const start = await service.call('POST', '/v1/oauth/linkedin/start');
    const visit = await browse(start.body.authorizeUrl);
    expect(visit.status).toBe(400);
    expect(visit.page).toContain('did not grant access');
    const forged = await fetch(`${service.url}/v1/oauth/linkedin/callback?code=abc&state=made-up`);
    expect(forged.status).toBe(400);
  });

  it('needs an admin key to start', async () => {
    expect((await service.call('POST', '/v1/oauth/linkedin/start', { token: null })).status).toBe(401);
  });
});
