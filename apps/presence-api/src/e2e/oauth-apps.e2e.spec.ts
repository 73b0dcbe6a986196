import { DiscordGatewayEmulator } from '@amo/presence-adapter-discord/testing';
import { SlackEmulator } from '@amo/presence-adapter-slack/testing';
import { GraphEmulator } from '@amo/presence-adapter-teams/testing';
import { bootService, browse, eventually, platformStatus, type RunningService, StreamClient, tempDir } from './harness.spec-helper';

const GUILD_A = '41771983444115456';
const GUILD_B = '290926798626357999';
const NORA = '80351110224678999';
const OWEN = '22222222-3333-4444-8555-777777777777';

describe('OAuth connect end to end: Discord bot install, Slack installation, Teams delegated sign-in', () => {
  const dir = tempDir();
  let discord: DiscordGatewayEmulator;
  let slack: SlackEmulator;
  let graph: GraphEmulator;
  let service: RunningService;
  let stream: StreamClient;

  beforeAll(async () => {
    discord = await DiscordGatewayEmulator.start();
    discord.addGuild(GUILD_A, 'AMO');
    // Nora is only in the server the admin installs the bot into during the test.
    discord.addGuild(GUILD_B, 'Partners').addMembers(GUILD_B, [{ id: NORA, status: 'online' }]);
    discord.oauth.installInto = GUILD_B;
    slack = await SlackEmulator.start();
    slack.addUser('U0PIA00001', { presence: 'away' });
    graph = await GraphEmulator.start();
    graph.addUsers([OWEN]);
    service = await bootService({
      dataDir: dir.path,
      env: {
        DISCORD_BOT_TOKEN: discord.token,
        DISCORD_GUILD_ID: GUILD_A,
        DISCORD_API_BASE_URL: discord.apiBaseUrl,
        SLACK_API_BASE_URL: slack.baseUrl,
        TEAMS_TENANT_ID: graph.tenant.tenantId,
        TEAMS_CLIENT_ID: graph.tenant.clientId,
        TEAMS_CLIENT_SECRET: graph.tenant.clientSecret,
        GRAPH_API_BASE_URL: graph.url,
        MICROSOFT_LOGIN_BASE_URL: graph.url,
        PRESENCE_POLL_INTERVAL: '60',
      },
    });
    await service.call('PUT', '/v1/users/nora/identities', { body: { discord: NORA } });
    await service.call('PUT', '/v1/users/pia/identities', { body: { slack: 'U0PIA00001' } });
    await service.call('PUT', '/v1/users/owen/identities', { body: { teams: OWEN } });
    stream = await StreamClient.open(service.wsUrl);
    await stream.subscribe(['nora', 'pia', 'owen']);
  });

  afterAll(async () => {
    stream?.close();
    await service?.close();
    await Promise.all([discord?.close(), slack?.close(), graph?.close()]);
    dir.remove();
  });

  it('Discord: the bot install adds the chosen guild to the connection, and its members are monitored', async () => {
    // Linked, no data yet (issue 12: shown as unknown with no times, not omitted).
    expect((await service.call('GET', '/v1/presence/nora')).body.platforms.discord).toMatchObject({ status: 'unknown', lastUpdated: null });
    const start = await service.call('POST', '/v1/oauth/discord/start', { body: { clientId: discord.oauth.clientId, clientSecret: discord.oauth.clientSecret } });
    expect(start.status).toBe(200);
    const authorize = new URL(start.body.authorizeUrl);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ scope: 'bot', permissions: '1024', code_challenge_method: 'S256' });
    const visit = await browse(start.body.authorizeUrl);
    expect(visit.callback).toContain(`guild_id=${GUILD_B}`);
    expect(visit.page).toContain('discord is connected');
    expect(await platformStatus(service, 'discord')).toMatchObject({ connected: true, source: 'oauth' });
    const presence = await stream.next((m) => m.type === 'presence' && m.userId === 'nora', 10_000);
    expect(presence.presence.status).toBe('online');
    discord.setUserPresence(NORA, 'dnd');
    await stream.next((m) => m.type === 'presence' && m.userId === 'nora' && m.presence.status === 'busy', 10_000);
  });

  it('Discord: without a bot token connection the install cannot start', async () => {
    const other = tempDir();
    const bare = await bootService({ dataDir: other.path });
    try {
      const start = await bare.call('POST', '/v1/oauth/discord/start', { body: { clientId: discord.oauth.clientId, clientSecret: 'x' } });
      expect(start.status).toBe(400);
      expect(start.body.error.message).toMatch(/connect discord with its bot token first/);
    } finally {
      await bare.close();
      other.remove();
    }
  });

  it('Slack: the installation gives the bot token, which connects Slack and polls', async () => {
    slack.oauth.denyNext();
    const declined = await service.call('POST', '/v1/oauth/slack/start', { body: { clientId: slack.oauth.clientId, clientSecret: slack.oauth.clientSecret } });
    expect((await browse(declined.body.authorizeUrl)).page).toContain('slack did not grant access');

    const start = await service.call('POST', '/v1/oauth/slack/start', { body: { clientId: slack.oauth.clientId, clientSecret: slack.oauth.clientSecret } });
    const visit = await browse(start.body.authorizeUrl);
    expect(visit.status).toBe(200);
    expect(visit.page).toContain('slack is connected');
    expect(slack.server.requestsTo('/api/oauth.v2.access', 'POST')).toHaveLength(1);
    expect(await platformStatus(service, 'slack')).toMatchObject({ connected: true, source: 'oauth', state: 'up' });
    const pia = await stream.next((m) => m.type === 'presence' && m.userId === 'pia', 10_000);
    expect(pia.presence.status).toBe('away');
  });

  it('Teams: the delegated sign-in turns on Graph subscriptions, and notifications arrive', async () => {
    expect((await platformStatus(service, 'teams')).capabilities.push).toBe(false);
    const start = await service.call('POST', '/v1/oauth/teams/start');
    expect(new URL(start.body.authorizeUrl).pathname).toBe(`/${graph.tenant.tenantId}/oauth2/v2.0/authorize`);
    const visit = await browse(start.body.authorizeUrl);
    expect(visit.page).toContain('teams is connected');
    expect(await platformStatus(service, 'teams')).toMatchObject({ connected: true, source: 'oauth', capabilities: { push: true } });
    const subscription = await eventually(() => graph.subscriptions()[0], 10_000);
    expect(subscription.notificationUrl).toBe(`${service.url}/v1/webhooks/teams`);
    await eventually(async () => (await platformStatus(service, 'teams')).connection === 'up', 10_000);
    graph.setPresence(OWEN, { availability: 'Busy', activity: 'InACall' });
    await graph.flushDeliveries();
    await stream.next((m) => m.type === 'presence' && m.userId === 'owen' && m.presence.status === 'busy', 10_000);
  });
});
