import { DiscordGatewayEmulator } from '@amo/presence-adapter-discord/testing';
import { LinkedInEmulator } from '@amo/presence-adapter-linkedin/testing';
import { SlackEmulator } from '@amo/presence-adapter-slack/testing';
import { GraphEmulator } from '@amo/presence-adapter-teams/testing';
import { WhatsAppEmulator } from '@amo/presence-adapter-whatsapp/testing';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { ADMIN_TOKEN, bootService, browse, captureOutput, type RunningService, tempDir } from './harness.spec-helper';

/** Wrong secrets a careless admin might paste: each must show up nowhere in the log. */
const BAD = {
  slackToken: 'xoxb-0000-wrong-bot-token-a1b2c3',
  slackSigning: 'wrong-signing-secret-d4e5f6',
  discordToken: 'MTIzNDU2Nzg5.wrong.discord-bot-token',
  zoomSecret: 'wrong-zoom-client-secret-778899',
  teamsSecret: 'wrong-teams-client-secret~qwerty',
  whatsappKey: 'EAAwrongwhatsappaccesstoken123',
  whatsappAppSecret: 'wrong-meta-app-secret-4455',
  linkedinToken: 'AQVwrong-linkedin-member-token',
  linkedinSecret: 'wrong-linkedin-client-secret-99',
};

describe('secrets never reach the log: connect failures and OAuth failures at verbose level', () => {
  const dir = tempDir();
  let slack: SlackEmulator;
  let discord: DiscordGatewayEmulator;
  let zoom: ZoomEmulator;
  let graph: GraphEmulator;
  let whatsapp: WhatsAppEmulator;
  let linkedin: LinkedInEmulator;
  let service: RunningService;
  let output: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    [slack, discord, zoom, graph, whatsapp, linkedin] = await Promise.all([
      SlackEmulator.start(),
      DiscordGatewayEmulator.start(),
      ZoomEmulator.start(),
      GraphEmulator.start(),
      WhatsAppEmulator.start(),
      LinkedInEmulator.start(),
    ]);
    output = captureOutput();
    service = await bootService({
      dataDir: dir.path,
      env: {
        PRESENCE_LOG_LEVEL: 'verbose',
        SLACK_API_BASE_URL: slack.baseUrl,
        DISCORD_API_BASE_URL: discord.apiBaseUrl,
        ZOOM_API_BASE_URL: zoom.apiBaseUrl,
        ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl,
        GRAPH_API_BASE_URL: graph.url,
        MICROSOFT_LOGIN_BASE_URL: graph.url,
        WHATSAPP_GRAPH_BASE_URL: whatsapp.graphBaseUrl,
        LINKEDIN_OAUTH_BASE_URL: linkedin.oauthBaseUrl,
        LINKEDIN_API_BASE_URL: linkedin.apiBaseUrl,
      },
    });
  });

  afterAll(async () => {
    await service?.close();
    output?.restore();
    await Promise.all([slack?.close(), discord?.close(), zoom?.close(), graph?.close(), whatsapp?.close(), linkedin?.close()]);
    dir.remove();
  });

  const connect = (platform: string, credentials: Record<string, unknown>) =>
    service.call('POST', `/v1/platforms/${platform}/connect`, { body: { credentials } });

  it('reports each platform refusing bad credentials as 401', async () => {
    const { graph_base_url: _g, login_base_url: _l, ...teams } = graph.credentials();
    const answers = await Promise.all([
      connect('slack', { bot_token: BAD.slackToken, signing_secret: BAD.slackSigning }),
      connect('discord', { bot_token: BAD.discordToken, guild_id: '41771983444115456' }),
      connect('zoom', { ...zoom.credentials, client_secret: BAD.zoomSecret }),
      connect('teams', { ...teams, client_secret: BAD.teamsSecret }),
      connect('whatsapp', { ...whatsapp.credentials(), api_key: BAD.whatsappKey, app_secret: BAD.whatsappAppSecret }),
      connect('linkedin', { client_id: linkedin.clientId, client_secret: BAD.linkedinSecret, access_token: BAD.linkedinToken }),
    ]);
    expect(answers.map((answer) => [answer.status, answer.body?.error?.code])).toEqual(Array(6).fill([401, 'AUTH_INVALID']));
    for (const answer of answers) for (const secret of Object.values(BAD)) expect(answer.text).not.toContain(secret);
  });

  it('connects Slack with its real secrets, and fails two OAuth callbacks at the token endpoint', async () => {
    expect((await connect('slack', { bot_token: slack.botToken, signing_secret: slack.signingSecret })).status).toBe(200);
    const zoomStart = await service.call('POST', '/v1/oauth/zoom/start', { body: { clientId: zoom.clientId, clientSecret: BAD.zoomSecret } });
    expect((await browse(zoomStart.body.authorizeUrl)).status).toBe(502);
    const linkedinStart = await service.call('POST', '/v1/oauth/linkedin/start', { body: { clientId: linkedin.clientId, clientSecret: BAD.linkedinSecret } });
    expect((await browse(linkedinStart.body.authorizeUrl)).status).toBe(502);
  });

  it('logged the failures, and not one secret value', async () => {
    const log = output.text();
    // The log is really captured: the failures are in it, by platform and code.
    for (const platform of ['slack', 'discord', 'zoom', 'teams', 'whatsapp', 'linkedin']) expect(log).toContain(`${platform}: connect failed (AUTH_INVALID)`);
    expect(log).toContain('zoom: OAuth callback failed (AUTH_INVALID)');
    expect(log).toContain('linkedin: OAuth callback failed');
    const secrets = [
      ...Object.values(BAD),
      ADMIN_TOKEN,
      slack.botToken,
      slack.signingSecret,
      discord.token,
      zoom.clientSecret,
      zoom.webhookSecretToken,
      graph.tenant.clientSecret,
      whatsapp.credentials().api_key,
      linkedin.clientSecret,
    ];
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/Bearer\s+\S{8,}|Basic\s+[A-Za-z0-9+/=]{8,}|client_secret=|access_token=/i);
  });
});
