import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import type { PresenceStore } from '@amo/presence-store';
import { PRESENCE_STORE } from '../store/store.providers';
import { bootService, eventually, type RunningService, tempDir } from './harness.spec-helper';

/**
 * Account ids arriving from a platform follow core's id rule too. Before, an account id with a control character
 * could be linked (SQLite stored it) and its signed deliveries applied and stored; now it can never be linked,
 * so a delivery for it is acknowledged, its reading dropped and counted, and nothing is stored.
 */
describe('a signed webhook delivery carrying an account id that breaks the id rule', () => {
  const dir = tempDir();
  const BAD = 'zoom-\u0001mallory';
  let zoom: ZoomEmulator;
  let service: RunningService;
  let store: PresenceStore;

  beforeAll(async () => {
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-alice', email: 'alice@example.com', status: 'Available' }] });
    service = await bootService({
      dataDir: dir.path,
      env: {
        ZOOM_ACCOUNT_ID: zoom.accountId,
        ZOOM_CLIENT_ID: zoom.clientId,
        ZOOM_CLIENT_SECRET: zoom.clientSecret,
        ZOOM_WEBHOOK_SECRET_TOKEN: zoom.webhookSecretToken,
        ZOOM_API_BASE_URL: zoom.apiBaseUrl,
        ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl,
      },
    });
    store = service.app.get(PRESENCE_STORE);
  });

  afterAll(async () => {
    await service?.close();
    await zoom?.close();
    dir.remove();
  });

  it('is acknowledged, counted as dropped and never stored, while a good id in the next delivery applies', async () => {
    expect((await service.call('PUT', '/v1/users/mallory/identities', { body: { zoom: BAD } })).status).toBe(400);
    expect((await service.call('PUT', '/v1/users/alice/identities', { body: { zoom: 'zoom-alice' } })).status).toBe(200);
    await eventually(async () => ((await service.call('GET', '/v1/presence/alice')).body?.platforms?.zoom?.lastUpdated ? true : undefined));
    const droppedBefore = (await service.call('GET', '/v1/stats')).body.dropped as number;

    const url = `${service.url}/v1/webhooks/zoom`;
    expect((await zoom.webhooks.sendPresence(url, { userId: BAD, status: 'Do_Not_Disturb' })).status).toBe(200);
    expect((await zoom.webhooks.sendPresence(url, { userId: 'zoom-alice', status: 'Do_Not_Disturb' })).status).toBe(200);

    await eventually(async () => ((await service.call('GET', '/v1/presence/alice')).body?.status === 'busy' ? true : undefined));
    expect((await service.call('GET', '/v1/stats')).body.dropped).toBeGreaterThan(droppedBefore);
    expect((await store.identities.all()).map((link) => link.userId)).toEqual(['alice']);
    expect((await store.snapshots.load()).map((entry) => entry.userId)).not.toContain('mallory');
    expect((await service.call('GET', '/v1/users')).body.users).toEqual([{ userId: 'alice', platforms: ['zoom'] }]);
  });
});
