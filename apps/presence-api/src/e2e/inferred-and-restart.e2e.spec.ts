import { LinkedInEmulator } from '@amo/presence-adapter-linkedin/testing';
import { WhatsAppEmulator } from '@amo/presence-adapter-whatsapp/testing';
import { bootService, eventually, type RunningService, StreamClient, tempDir } from './harness.spec-helper';

const ADA = 'urn:li:person:yrZCpj2ZYQ';

describe('WhatsApp and LinkedIn connected at runtime, then a restart that restores everything', () => {
  const dir = tempDir();
  let whatsapp: WhatsAppEmulator;
  let linkedin: LinkedInEmulator;
  let service: RunningService;
  let env: Record<string, string>;

  beforeAll(async () => {
    whatsapp = await WhatsAppEmulator.start();
    linkedin = await LinkedInEmulator.start();
    env = {
      WHATSAPP_GRAPH_BASE_URL: whatsapp.graphBaseUrl,
      LINKEDIN_OAUTH_BASE_URL: linkedin.oauthBaseUrl,
      LINKEDIN_API_BASE_URL: linkedin.apiBaseUrl,
      PRESENCE_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    };
    service = await bootService({ dataDir: dir.path, env });
  });

  afterAll(async () => {
    await service?.close();
    await whatsapp?.close();
    await linkedin?.close();
    dir.remove();
  });

  it('connects both through the API with seed-style credentials, stored encrypted', async () => {
    const wa = await service.call('POST', '/v1/platforms/whatsapp/connect', { body: { credentials: whatsapp.credentials() } });
    expect(wa.status).toBe(200);
    expect(wa.body).toMatchObject({ platform: 'whatsapp', connected: true, state: 'up', source: 'api' });
    expect(JSON.stringify(wa.body)).not.toContain(whatsapp.credentials().api_key);
    const token = linkedin.issueToken();
    const li = await service.call('POST', '/v1/platforms/linkedin/connect', {
      body: { credentials: { client_id: linkedin.clientId, client_secret: linkedin.clientSecret, access_token: token.accessToken } },
    });
    expect(li.status).toBe(200);
    expect(li.body.capabilities).toMatchObject({ inferred: true, poll: false });
  });

  it('reports a platform refusing the credentials as 401, without storing them', async () => {
    const refused = await service.call('POST', '/v1/platforms/whatsapp/connect', {
      body: { credentials: { ...whatsapp.credentials(), api_key: 'not-the-token' } },
    });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('AUTH_INVALID');
    const platforms = await service.call('GET', '/v1/platforms');
    expect(platforms.body.platforms.find((p: any) => p.platform === 'whatsapp')).toMatchObject({ connected: true, state: 'up' });
  });

  it('turns signed webhook signals into recency presence, streamed to subscribers', async () => {
    await service.call('PUT', '/v1/users/carol/identities', { body: { whatsapp: '16505551234', linkedin: ADA } });
    await service.call('PUT', '/v1/users/carol/preferences', {
      body: { consent: true, preferredPlatforms: ['whatsapp'], quietHours: { start: '22:00', end: '07:00', timeZone: 'UTC' } },
    });
    const stream = await StreamClient.open(service.wsUrl, { header: false });
    await stream.subscribe(['carol']);
    const verify = await whatsapp.webhooks.verify(`${service.url}/v1/webhooks/whatsapp`);
    expect(verify.accepted).toBe(true);
    const delivery = await whatsapp.webhooks.message(`${service.url}/v1/webhooks/whatsapp`, { from: '16505551234', text: 'hi' });
    expect(delivery.status).toBe(200);
    const message = await stream.next((m) => m.type === 'presence' && m.platform === 'whatsapp');
    expect(message).toMatchObject({ userId: 'carol', presence: { status: 'online' } });
    expect(message.presence.lastSeen).toEqual(expect.any(String));

    const challenge = await linkedin.webhooks.validate(`${service.url}/v1/webhooks/linkedin`);
    expect(challenge.passed).toBe(true);
    const action = await linkedin.webhooks.actions(`${service.url}/v1/webhooks/linkedin`, [{ action: 'COMMENT', actor: ADA }]);
    expect(action.status).toBeLessThan(300);
    await stream.next((m) => m.type === 'presence' && m.platform === 'linkedin' && m.presence.status === 'online');
    const forged = await whatsapp.webhooks.message(`${service.url}/v1/webhooks/whatsapp`, { from: '16505551234', text: 'x' }, 'wrong-secret');
    expect(forged.status).toBeGreaterThanOrEqual(400);
    stream.close();
  });

  it('restores identities, preferences, connections and the snapshot after a restart', async () => {
    const before = (await service.call('GET', '/v1/presence/carol')).body;
    expect(before.platforms.whatsapp.status).toBe('online');
    await service.close();

    service = await bootService({ dataDir: dir.path, env });
    const identities = await service.call('GET', '/v1/users/carol/identities');
    expect(identities.body).toEqual({ whatsapp: '16505551234', linkedin: ADA });
    const preferences = await service.call('GET', '/v1/users/carol/preferences');
    expect(preferences.body).toMatchObject({ consent: true, preferredPlatforms: ['whatsapp'], quietHours: { start: '22:00', end: '07:00', timeZone: 'UTC' } });
    const platforms = (await service.call('GET', '/v1/platforms')).body.platforms;
    for (const name of ['whatsapp', 'linkedin']) {
      expect(platforms.find((p: any) => p.platform === name)).toMatchObject({ connected: true, source: 'stored', state: 'up' });
    }
    const after = await eventually(async () => (await service.call('GET', '/v1/presence/carol')).body);
    expect(after.platforms.whatsapp).toMatchObject({ status: 'online', lastUpdated: before.platforms.whatsapp.lastUpdated });
    expect(after.platforms.whatsapp.lastSeen).toBe(before.platforms.whatsapp.lastSeen);
  });

  it('erases a person everywhere and exports nothing afterwards', async () => {
    const exported = await service.call('GET', '/v1/users/carol/export');
    expect(exported.body.identities).toHaveLength(2);
    expect(exported.body.auditLog.length).toBeGreaterThan(0);
    expect((await service.call('DELETE', '/v1/users/carol')).status).toBe(204);
    expect((await service.call('GET', '/v1/presence/carol')).status).toBe(404);
    const after = await service.call('GET', '/v1/users/carol/export');
    expect(after.body).toMatchObject({ identities: [], preferences: null, snapshots: [], auditLog: [], cachedPresence: {} });
  });
});
