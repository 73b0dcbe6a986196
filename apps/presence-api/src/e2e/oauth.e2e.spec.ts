import { LinkedInEmulator } from '@amo/presence-adapter-linkedin/testing';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { openStore } from '@amo/presence-store';
import { join } from 'node:path';
import { bootService, browse, eventually, platformStatus, type RunningService, tempDir } from './harness.spec-helper';

const KEY = Buffer.alloc(32, 5).toString('base64');

describe('OAuth connect (LinkedIn three-legged flow, Zoom user OAuth with PKCE, against their emulators)', () => {
  const dir = tempDir();
  let linkedin: LinkedInEmulator;
  let zoom: ZoomEmulator;
  let service: RunningService;

  beforeAll(async () => {
    linkedin = await LinkedInEmulator.start();
    // Two-second tokens count as stale after one (half their life): the adapter refreshes while it polls.
    zoom = await ZoomEmulator.start({ tokenTtlSec: 2, users: [{ id: 'zoom-admin', status: 'Available' }, { id: 'zoom-ivy', status: 'Away' }] });
    service = await bootService({
      dataDir: dir.path,
      env: {
        LINKEDIN_CLIENT_ID: linkedin.clientId,
        LINKEDIN_CLIENT_SECRET: linkedin.clientSecret,
        LINKEDIN_OAUTH_BASE_URL: linkedin.oauthBaseUrl,
        LINKEDIN_API_BASE_URL: linkedin.apiBaseUrl,
        // A user-managed OAuth app: client id and secret without an account id enable the flow only.
        ZOOM_CLIENT_ID: zoom.clientId,
        ZOOM_CLIENT_SECRET: zoom.clientSecret,
        ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl,
        ZOOM_API_BASE_URL: zoom.apiBaseUrl,
        PRESENCE_POLL_INTERVAL: '1',
        PRESENCE_ENCRYPTION_KEY: KEY,
      },
    });
  });

  afterAll(async () => {
    await service?.close();
    await linkedin?.close();
    await zoom?.close();
    dir.remove();
  });

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

  it('Zoom: authorizes with PKCE, turns the user grant into the connection, polls with it and stores each refresh', async () => {
    expect((await platformStatus(service, 'zoom')).connected).toBe(false);
    const start = await service.call('POST', '/v1/oauth/zoom/start');
    expect(start.status).toBe(200);
    const authorize = new URL(start.body.authorizeUrl);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${zoom.oauthBaseUrl}/oauth/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe(zoom.clientId);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${service.url}/v1/oauth/zoom/callback`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);

    const visit = await browse(start.body.authorizeUrl);
    expect(visit.page).toContain('zoom is connected');
    expect(visit.status).toBe(200);
    const redeemed = zoom.tokenRequests()[0];
    expect(redeemed.headers.authorization).toBe(`Basic ${Buffer.from(`${zoom.clientId}:${zoom.clientSecret}`).toString('base64')}`);
    expect(redeemed.body).toMatchObject({ grant_type: 'authorization_code', code_verifier: expect.any(String) });
    expect(await platformStatus(service, 'zoom')).toMatchObject({ connected: true, source: 'oauth', state: 'up' });

    await service.call('PUT', '/v1/users/ivy/identities', { body: { zoom: 'zoom-ivy' } });
    const ivy = await eventually(async () => (await service.call('GET', '/v1/presence/ivy')).body?.platforms?.zoom?.lastUpdated && (await service.call('GET', '/v1/presence/ivy')).body.platforms.zoom, 10_000);
    expect(ivy).toMatchObject({ status: 'away', rawStatus: 'Away' });
    await eventually(() => zoom.tokenRequests().some((request) => (request.body as Record<string, string>)?.grant_type === 'refresh_token'), 10_000);
    zoom.setStatus('zoom-ivy', 'Do_Not_Disturb');
    await eventually(async () => (await service.call('GET', '/v1/presence/ivy')).body?.platforms?.zoom?.status === 'busy', 10_000);

    // Zoom rotates refresh tokens: the store must hold one that has not been spent yet, or a restart cannot refresh.
    const store = await openStore({ database: { type: 'sqlite', path: join(dir.path, 'presence.sqlite') }, encryptionKey: KEY });
    try {
      const spent = zoom.tokenRequests().map((request) => (request.body as Record<string, string>)?.refresh_token).filter(Boolean);
      expect(spent.length).toBeGreaterThan(0);
      const stored = (await store.connections.credentials('zoom'))?.reveal() as Record<string, unknown>;
      expect(stored).not.toHaveProperty('account_id');
      expect(stored.refreshToken).toEqual(expect.any(String));
      expect(spent).not.toContain(stored.refreshToken);
      const connection = (await store.connections.list()).find((entry) => entry.platform === 'zoom');
      expect(connection).toMatchObject({ kind: 'delegated' });
    } finally {
      await store.close();
    }
  });

  it('Zoom: a wrong client secret fails at the token endpoint and is reported on the page, not connected', async () => {
    const start = await service.call('POST', '/v1/oauth/zoom/start', { body: { clientId: zoom.clientId, clientSecret: 'not-the-zoom-secret' } });
    const visit = await browse(start.body.authorizeUrl);
    expect(visit.status).toBe(502);
    expect(visit.page).toContain('Connecting zoom failed');
    expect(visit.page).toContain('AUTH_INVALID');
    expect(visit.page).not.toContain('not-the-zoom-secret');
  });
});
