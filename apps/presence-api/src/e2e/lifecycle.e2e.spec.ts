import { DiscordGatewayEmulator } from '@amo/presence-adapter-discord/testing';
import { SlackEmulator } from '@amo/presence-adapter-slack/testing';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { bootService, emulatorEnv, eventually, platformStatus, type RunningService, StreamClient, tempDir } from './harness.spec-helper';

const GUILD = '41771983444115456';
const ERIN_DISCORD = '80351110224678912';

/** The `presence_webhooks_total` count for one platform and outcome, from /metrics. */
async function webhookCount(service: RunningService, platform: string, outcome: string): Promise<number> {
  const text = (await service.call('GET', '/metrics', { token: null })).text;
  const line = text.split('\n').find((l) => l.startsWith('presence_webhooks_total{') && l.includes(`platform="${platform}"`) && l.includes(`outcome="${outcome}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('monitoring stop and start through the service: stop means stop, start brings it all back', () => {
  const dir = tempDir();
  let discord: DiscordGatewayEmulator;
  let slack: SlackEmulator;
  let zoom: ZoomEmulator;
  let service: RunningService;

  beforeAll(async () => {
    discord = await DiscordGatewayEmulator.start();
    discord.addGuild(GUILD, 'AMO').addMembers(GUILD, [{ id: ERIN_DISCORD, status: 'idle' }]);
    slack = await SlackEmulator.start();
    slack.addUser('U0ERIN0001', { presence: 'active' });
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-erin', email: 'erin@example.com', status: 'Available' }] });
    service = await bootService({
      dataDir: dir.path,
      env: {
        ...emulatorEnv.discord(discord, GUILD),
        ...emulatorEnv.slack(slack),
        ...emulatorEnv.zoom(zoom),
        PRESENCE_POLL_INTERVAL: '1',
      },
    });
    zoom.webhookUrl = `${service.url}/v1/webhooks/zoom`;
    await service.client.linkIdentities('erin', { discord: ERIN_DISCORD, slack: 'U0ERIN0001', zoom: 'zoom-erin' });
    await eventually(async () => {
      const { platforms } = await service.client.getPresence('erin');
      return platforms.discord?.lastUpdated && platforms.slack?.lastUpdated && platforms.zoom?.lastUpdated;
    }, 10_000);
  }, 30_000);

  afterAll(async () => {
    await service?.close();
    await discord?.close();
    await slack?.close();
    await zoom?.close();
    dir.remove();
  });

  it('after stop: no platform calls, the gateway closed, webhooks acknowledged but not applied (counted)', async () => {
    expect((await service.call('POST', '/v1/monitoring/stop')).body).toEqual({ monitoring: [] });
    await eventually(() => discord.openConnections === 0, 5_000);
    const slackReads = slack.calls('users.getPresence').length;
    const zoomReads = zoom.presenceRequests().length;
    const ignoredBefore = await webhookCount(service, 'zoom', 'ignored');

    discord.setUserPresence(ERIN_DISCORD, 'dnd');
    const answer = await zoom.changeStatus('zoom-erin', 'Do_Not_Disturb');
    expect(answer?.status).toBe(200);
    // A few poll intervals pass: nothing is read, nothing applied.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(slack.calls('users.getPresence')).toHaveLength(slackReads);
    expect(zoom.presenceRequests()).toHaveLength(zoomReads);
    expect(discord.openConnections).toBe(0);
    expect(await webhookCount(service, 'zoom', 'ignored')).toBe(ignoredBefore + 1);
    const erin = await service.client.getPresence('erin');
    expect(erin.platforms.zoom?.status).toBe('online');
    expect(erin.platforms.discord).toMatchObject({ status: 'idle', stale: true });
    expect(await platformStatus(service, 'discord')).toMatchObject({ monitoring: { active: false } });
  });

  it('start brings polling, the gateway (resumed) and webhooks back', async () => {
    const stream = await StreamClient.open(service.wsUrl);
    await stream.subscribe(['erin']);
    await service.call('POST', '/v1/monitoring/start', { body: {} });
    await eventually(() => discord.openConnections === 1, 10_000);
    discord.setUserPresence(ERIN_DISCORD, 'online');
    await stream.next((m) => m.type === 'presence' && m.platform === 'discord' && m.presence.status === 'online', 10_000);
    await zoom.changeStatus('zoom-erin', 'Away');
    await stream.next((m) => m.type === 'presence' && m.platform === 'zoom' && m.presence.status === 'away', 10_000);
    const slackReads = slack.calls('users.getPresence').length;
    await eventually(() => slack.calls('users.getPresence').length > slackReads, 10_000);
    stream.close();
  });

  it('stops one platform alone: Slack is no longer read while Discord keeps streaming', async () => {
    const stopped = await service.call('POST', '/v1/monitoring/stop', { body: { platforms: ['slack'] } });
    expect(stopped.body.monitoring.sort()).toEqual(['discord', 'zoom']);
    const stream = await StreamClient.open(service.wsUrl);
    await stream.subscribe(['erin']);
    const slackReads = slack.calls('users.getPresence').length;
    discord.setUserPresence(ERIN_DISCORD, 'idle');
    await stream.next((m) => m.type === 'presence' && m.platform === 'discord' && m.presence.status === 'idle', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(slack.calls('users.getPresence')).toHaveLength(slackReads);
    expect(await platformStatus(service, 'slack')).toMatchObject({ monitoring: { active: false } });
    expect((await service.call('POST', '/v1/monitoring/stop', { body: { platforms: ['teams-ish'] } })).status).toBe(400);
    stream.close();
  });
});

describe('linked, no data: an account without a reading shows as unknown', () => {
  const dir = tempDir();
  let service: RunningService;

  beforeAll(async () => {
    // No WhatsApp signal has come (nor could: no platform is connected), yet the link is there.
    service = await bootService({ dataDir: dir.path });
  });

  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it('GET presence and the stream show the linked platform as unknown with no times', async () => {
    const stream = await StreamClient.open(service.wsUrl);
    await stream.subscribe(['gina']);
    // Not known yet: the snapshot says null, and a read is a 404.
    expect(await stream.next((m) => m.type === 'snapshot' && m.userId === 'gina')).toMatchObject({ presence: null });
    await expect(service.client.getPresence('gina')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await service.client.linkIdentities('gina', { whatsapp: '4915550001' });
    const gina = await service.client.getPresence('gina');
    expect(gina).toMatchObject({ userId: 'gina', status: 'unknown', available: false, decidedBy: null });
    expect(gina.platforms).toEqual({
      whatsapp: { status: 'unknown', rawStatus: null, activity: null, customMessage: null, lastSeen: null, lastUpdated: null, stale: true },
    });
    const message = await stream.next((m) => m.type === 'presence' && m.userId === 'gina');
    expect(message).toMatchObject({ platform: 'whatsapp', presence: { status: 'unknown', lastSeen: null, lastUpdated: null } });
    // The library's view of gina, built from the null snapshot and the change, is the document a read gives.
    expect(stream.stream.presences.get('gina')).toEqual(gina);
    stream.close();
  });
});
