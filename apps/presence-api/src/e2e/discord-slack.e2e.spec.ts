import { DiscordGatewayEmulator } from '@amo/presence-adapter-discord/testing';
import { SlackEmulator } from '@amo/presence-adapter-slack/testing';
import { bootService, emulatorEnv, eventually, type RunningService, StreamClient, tempDir } from './harness.spec-helper';

const GUILD = '41771983444115456';
const ERIN_DISCORD = '80351110224678912';

describe('Discord (gateway push) and Slack (polled sweep, signed events) through the service', () => {
  const dir = tempDir();
  let discord: DiscordGatewayEmulator;
  let slack: SlackEmulator;
  let service: RunningService;
  let stream: StreamClient;

  beforeAll(async () => {
    discord = await DiscordGatewayEmulator.start();
    discord.addGuild(GUILD, 'AMO').addMembers(GUILD, [{ id: ERIN_DISCORD, status: 'idle' }]);
    slack = await SlackEmulator.start();
    slack.addUser('U0ERIN0001', { presence: 'away' });
    service = await bootService({
      dataDir: dir.path,
      env: {
        ...emulatorEnv.discord(discord, GUILD),
        ...emulatorEnv.slack(slack),
        PRESENCE_POLL_INTERVAL: '1',
      },
    });
    slack.subscribe(`${service.url}/v1/webhooks/slack`);
    stream = await StreamClient.open(service.wsUrl);
    await stream.subscribe(['erin']);
    await service.call('PUT', '/v1/users/erin/identities', { body: { discord: ERIN_DISCORD, slack: 'U0ERIN0001' } });
  });

  afterAll(async () => {
    stream?.close();
    await service?.close();
    await discord?.close();
    await slack?.close();
    dir.remove();
  });

  it('reports Discord as a connected push platform and Slack as polled', async () => {
    const platforms = (await service.call('GET', '/v1/platforms')).body.platforms;
    expect(platforms.find((p: any) => p.platform === 'discord')).toMatchObject({ connected: true, source: 'env', capabilities: { push: true } });
    expect(platforms.find((p: any) => p.platform === 'slack')).toMatchObject({ connected: true, capabilities: { poll: true } });
  });

  it('gets the initial state from both and aggregates it', async () => {
    const erin = await eventually(async () => {
      const body = (await service.call('GET', '/v1/presence/erin')).body;
      return body?.platforms?.discord?.lastUpdated && body?.platforms?.slack?.lastUpdated ? body : undefined;
    }, 10_000);
    expect(erin.platforms.discord).toMatchObject({ status: 'idle', rawStatus: 'idle', stale: false });
    expect(erin.platforms.slack).toMatchObject({ status: 'away', rawStatus: 'away' });
    expect(erin).toMatchObject({ status: 'idle', available: true, decidedBy: 'discord' });
  });

  it('streams a PRESENCE_UPDATE from the gateway as it happens', async () => {
    discord.setUserPresence(ERIN_DISCORD, 'dnd', [{ type: 4, name: 'Custom Status', state: 'heads down' }], { desktop: 'dnd' });
    const presence = await stream.next((m) => m.type === 'presence' && m.platform === 'discord' && m.presence.status === 'busy');
    expect(presence.presence).toMatchObject({ rawStatus: 'dnd', customMessage: 'heads down', devices: { desktop: 'busy' } });
    const aggregate = await stream.next((m) => m.type === 'aggregate' && m.status === 'busy');
    expect(aggregate).toMatchObject({ userId: 'erin', available: false, decidedBy: 'discord' });
  });

  it('takes a signed Slack event (custom status) and answers url_verification', async () => {
    const verification = await slack.verifyUrl(`${service.url}/v1/webhooks/slack`);
    expect(verification.verified).toBe(true);
    const delivered = await slack.setStatus('U0ERIN0001', { status_text: 'In a workshop', status_emoji: ':books:', status_expiration: 0 });
    expect(delivered?.status).toBe(200);
    const presence = await stream.next((m) => m.type === 'presence' && m.platform === 'slack' && m.presence.customMessage);
    expect(presence.presence.customMessage).toContain('In a workshop');
    const forged = await slack.deliverEvent({ type: 'user_change' }, { signingSecret: 'not-the-secret' });
    expect(forged.status).toBe(401);
  });

  it('polls a Slack presence change on the next sweep', async () => {
    slack.setPresence('U0ERIN0001', 'active');
    await stream.next((m) => m.type === 'presence' && m.platform === 'slack' && m.presence.status === 'online', 10_000);
  });
});
