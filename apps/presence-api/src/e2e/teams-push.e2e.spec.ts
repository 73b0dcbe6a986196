import { GraphEmulator } from '@amo/presence-adapter-teams/testing';
import { bootService, eventually, type RunningService, StreamClient, tempDir } from './harness.spec-helper';

const GINA = '22222222-3333-4444-8555-666666666666';

describe('Teams with a delegated grant: Graph subscriptions delivered to /v1/webhooks/teams', () => {
  const dir = tempDir();
  let graph: GraphEmulator;
  let service: RunningService;

  beforeAll(async () => {
    graph = await GraphEmulator.start();
    graph.addUsers([GINA]);
    service = await bootService({
      dataDir: dir.path,
      env: { GRAPH_API_BASE_URL: graph.url, MICROSOFT_LOGIN_BASE_URL: graph.url, PRESENCE_POLL_INTERVAL: '60' },
    });
    await service.call('PUT', '/v1/users/gina/identities', { body: { teams: GINA } });
  });

  afterAll(async () => {
    await service?.close();
    await graph?.close();
    dir.remove();
  });

  it('subscribes through the validation handshake and streams notified changes without waiting for a poll', async () => {
    const delegated = graph.issueDelegatedToken();
    const { graph_base_url: _g, login_base_url: _l, ...app } = graph.credentials();
    const connected = await service.call('POST', '/v1/platforms/teams/connect', {
      body: {
        credentials: {
          ...app,
          delegated_access_token: delegated.accessToken,
          delegated_refresh_token: delegated.refreshToken,
          delegated_expires_at: delegated.expiresAt,
        },
      },
    });
    expect(connected.status).toBe(200);
    expect(connected.body.capabilities.push).toBe(true);
    const subscription = await eventually(() => graph.subscriptions()[0], 10_000);
    expect(subscription.notificationUrl).toBe(`${service.url}/v1/webhooks/teams`);
    await eventually(async () => (await service.call('GET', '/v1/platforms')).body.platforms.find((p: any) => p.platform === 'teams').connection === 'up', 10_000);

    const stream = await StreamClient.open(service.wsUrl);
    await stream.subscribe(['gina']);
    graph.setPresence(GINA, { availability: 'Busy', activity: 'InAMeeting' });
    await graph.flushDeliveries();
    const presence = await stream.next((m) => m.type === 'presence' && m.platform === 'teams' && m.presence.status === 'busy', 10_000);
    expect(presence.presence.activity).toBe('In a meeting');
    stream.close();
  });
});
