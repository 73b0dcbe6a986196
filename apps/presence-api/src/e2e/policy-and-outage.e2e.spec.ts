import { GraphEmulator } from '@amo/presence-adapter-teams/testing';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { bootService, emulatorEnv, eventually, type RunningService, StreamClient, tempDir } from './harness.spec-helper';

const DAVE_TEAMS = '11111111-2222-4333-8444-555555555555';

describe('Teams and Zoom together: the aggregate follows the policy, and one platform down leaves the other working', () => {
  const dir = tempDir();
  let graph: GraphEmulator;
  let zoom: ZoomEmulator;
  let service: RunningService;
  let stream: StreamClient;

  beforeAll(async () => {
    graph = await GraphEmulator.start();
    graph.addUsers([DAVE_TEAMS]);
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-dave', status: 'In_A_Zoom_Meeting' }] });
    service = await bootService({
      dataDir: dir.path,
      env: {
        ...emulatorEnv.teams(graph),
        ...emulatorEnv.zoom(zoom),
        PRESENCE_POLL_INTERVAL: '1',
        PRESENCE_MAX_RETRIES: '0',
      },
    });
    zoom.webhookUrl = `${service.url}/v1/webhooks/zoom`;
    stream = await StreamClient.open(service.wsUrl);
    await stream.subscribe(['dave']);
    await service.call('PUT', '/v1/users/dave/identities', { body: { teams: DAVE_TEAMS, zoom: 'zoom-dave' } });
  });

  afterAll(async () => {
    stream?.close();
    await service?.close();
    await graph?.close();
    await zoom?.close();
    dir.remove();
  });

  it('highest-priority by default: online on Teams outranks busy on Zoom', async () => {
    const dave = await eventually(async () => {
      const body = (await service.call('GET', '/v1/presence/dave')).body;
      return body?.platforms?.teams?.lastUpdated && body?.platforms?.zoom?.lastUpdated ? body : undefined;
    });
    expect(dave).toMatchObject({ status: 'online', available: true, decidedBy: 'teams' });
    expect(dave.platforms.zoom.status).toBe('busy');
  });

  it("busy-wins in the person's preferences makes the meeting decide, and the stream says so", async () => {
    const saved = await service.call('PUT', '/v1/users/dave/preferences', { body: { policy: 'busy-wins' } });
    expect(saved.status).toBe(200);
    const aggregate = await stream.next((m) => m.type === 'aggregate' && m.userId === 'dave' && m.status === 'busy');
    expect(aggregate).toMatchObject({ available: false, decidedBy: 'zoom' });
    graph.setPresence(DAVE_TEAMS, { availability: 'Away', activity: 'Away' });
    await stream.next((m) => m.type === 'presence' && m.platform === 'teams' && m.presence.status === 'away');
  });

  it('shows a Teams outage as degraded in /v1/platforms, /health and the stream, while Zoom keeps working', async () => {
    graph.server.faults.failNext(Infinity, { status: 503, json: { error: { code: 'serviceUnavailable', message: 'Service unavailable' } } });
    const platform = await stream.next((m) => m.type === 'platform' && m.platform === 'teams' && m.state === 'degraded');
    expect(platform.lastError.code).toBe('TRANSIENT');
    const platforms = (await service.call('GET', '/v1/platforms')).body.platforms;
    expect(platforms.find((p: any) => p.platform === 'teams')).toMatchObject({ connected: true, state: 'degraded' });
    expect(platforms.find((p: any) => p.platform === 'zoom')).toMatchObject({ connected: true, state: 'up' });
    const health = await service.call('GET', '/health', { token: null });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', platforms: { teams: { state: 'degraded' }, zoom: { state: 'up' } } });

    await zoom.changeStatus('zoom-dave', 'Available');
    await stream.next((m) => m.type === 'presence' && m.platform === 'zoom' && m.presence.status === 'online');

    graph.server.faults.clear();
    await stream.next((m) => m.type === 'platform' && m.platform === 'teams' && m.state === 'up', 10_000);
    expect((await service.call('GET', '/health', { token: null })).body.status).toBe('ok');
  });

  it('changes a polling interval at runtime', async () => {
    const changed = await service.call('PUT', '/v1/platforms/teams/monitoring', { body: { intervalSeconds: 120 } });
    expect(changed.status).toBe(200);
    expect(changed.body.monitoring).toEqual({ active: true, intervalSeconds: 120 });
    const stopped = await service.call('POST', '/v1/monitoring/stop');
    expect(stopped.body).toEqual({ monitoring: [] });
    expect((await service.call('GET', '/health', { token: null })).body.scheduler.status).toBe('stopped');
    const started = await service.call('POST', '/v1/monitoring/start', { body: { platforms: ['teams', 'zoom'] } });
    expect(started.body.monitoring.sort()).toEqual(['teams', 'zoom']);
  });
});
