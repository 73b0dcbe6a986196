import { DiscordGatewayEmulator } from '@amo/presence-adapter-discord/testing';
import type { EmulatorServer } from '@amo/presence-adapter-kit/testing';
import { LinkedInEmulator } from '@amo/presence-adapter-linkedin/testing';
import { SlackEmulator } from '@amo/presence-adapter-slack/testing';
import { GraphEmulator } from '@amo/presence-adapter-teams/testing';
import { WhatsAppEmulator } from '@amo/presence-adapter-whatsapp/testing';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { bootService, emulatorEnv, eventually, platformStatus, type RunningService, tempDir } from '../harness.spec-helper';
import { type Faulted, HTTP_TUNING, IDS, type Platform, type Polled, type WebhookCase, webhookCases } from './platform-faults.spec-helper';

const GUILD = '41771983444115456';
const BURST = 2;
/** A hang outlasts every wait in this suite: the adapter's (shortened) timeout is what ends each request. */
const HANG_MS = 120_000;

/** One scripted fault on one platform: what it does to the emulator, what must hold while it lasts, how it ends. */
interface FaultCase {
  fault: string;
  platforms: readonly Faulted[];
  inject(platform: Faulted): void | Promise<void>;
  /** Besides the API answering and another platform's change arriving: what the service must show meanwhile. */
  during?(platform: Faulted): Promise<void>;
  /** Undo whatever the emulator still does (scripted faults are cleared for every case anyway). */
  clear?(platform: Faulted): void | Promise<void>;
  /** After the platform converged again: what must be true of how it got there. */
  after?(platform: Faulted): Promise<void>;
  /** The fault lasts at least this long before recovery is awaited. */
  holdMs: number;
}

describe('platform faults, fault x platform: the others keep working, the API keeps answering, data converges after', () => {
  const dir = tempDir();
  let discord: DiscordGatewayEmulator;
  let slack: SlackEmulator;
  let graph: GraphEmulator;
  let zoom: ZoomEmulator;
  let whatsapp: WhatsAppEmulator;
  let linkedin: LinkedInEmulator;
  let service: RunningService;
  const flip: Record<Faulted, [string, string, string, string]> = {
    // native A, its normalized status, native B, its normalized status
    discord: ['online', 'online', 'dnd', 'busy'],
    slack: ['active', 'online', 'away', 'away'],
    teams: ['Available', 'online', 'Busy', 'busy'],
    zoom: ['Available', 'online', 'Do_Not_Disturb', 'busy'],
  };
  const truth: Partial<Record<Faulted, number>> = {};
  /** What a case noted when it started (token requests, poll errors), for its `during` and `after` checks. */
  const mark: Partial<Record<Faulted, { tokens: number; errors: number }>> = {};
  let discordToken: string;

  function servers(platform: Faulted): EmulatorServer {
    return { discord: () => discord.server, slack: () => slack.server, teams: () => graph.server, zoom: () => zoom.server }[platform]();
  }

  /** Sets the next known value on the emulator; returns the normalized status the service must end up with. */
  function setTruth(platform: Faulted): string {
    const index = ((truth[platform] ?? 0) + 1) % 2;
    truth[platform] = index;
    const native = flip[platform][index * 2];
    if (platform === 'discord') discord.setUserPresence(IDS.discord, native as 'online');
    if (platform === 'slack') slack.setPresence(IDS.slack, native as 'active');
    if (platform === 'teams') graph.setPresence(IDS.teams, { availability: native, activity: native });
    if (platform === 'zoom') zoom.setStatus(IDS.zoom, native);
    return flip[platform][index * 2 + 1];
  }

  async function presenceOf(platform: Platform): Promise<any> {
    return (await service.call('GET', `/v1/presence/p-${platform}`)).body?.platforms?.[platform];
  }

  /** What a webhook may change: the status and, for signals, when the person was last seen (poll times move by themselves). */
  async function reading(platform: Platform): Promise<{ status?: string; lastSeen?: string }> {
    const presence = await presenceOf(platform);
    return { status: presence?.status, lastSeen: presence?.lastSeen };
  }

  async function seen(platform: Platform, status: string, timeoutMs = 15_000): Promise<void> {
    await eventually(async () => (await presenceOf(platform))?.status === status, timeoutMs, 100);
  }

  /** The OAuth token requests each emulator has received (Slack's and Discord's tokens are static). */
  function tokenRequests(platform: Faulted): number {
    if (platform === 'zoom') return zoom.tokenRequests().length;
    if (platform === 'teams') return graph.server.requestsTo('/:tenant/oauth2/v2.0/token', 'POST').length;
    return 0;
  }

  async function note(platform: Faulted): Promise<void> {
    mark[platform] = { tokens: tokenRequests(platform), errors: (await platformStatus(service, platform)).errors };
  }

  /** The project's "auth failed": AUTH_INVALID as the last error and a state other than up, in /v1/platforms and /health alike. */
  async function reportedAuthFailed(platform: Faulted): Promise<void> {
    await eventually(
      async () => {
        const view = await platformStatus(service, platform);
        const health = (await service.call('GET', '/health')).body;
        const inHealth = health?.platforms?.[platform];
        return (
          view?.lastError?.code === 'AUTH_INVALID' &&
          view.state !== 'up' &&
          inHealth?.state === view.state &&
          inHealth?.lastError?.code === 'AUTH_INVALID' &&
          health.status === 'degraded'
        );
      },
      15_000,
      100,
    );
  }

  beforeAll(async () => {
    discord = await DiscordGatewayEmulator.start({ heartbeatIntervalMs: 300 });
    discord.addGuild(GUILD).addMembers(GUILD, [{ id: IDS.discord, status: 'online' }]);
    discordToken = discord.token;
    slack = await SlackEmulator.start();
    slack.addUser(IDS.slack, { presence: 'active' });
    graph = await GraphEmulator.start();
    graph.addUsers([IDS.teams]);
    zoom = await ZoomEmulator.start({ users: [{ id: IDS.zoom, status: 'Available' }] });
    whatsapp = await WhatsAppEmulator.start();
    linkedin = await LinkedInEmulator.start();
    const wa = whatsapp.credentials();
    service = await bootService({
      dataDir: dir.path,
      env: {
        ...emulatorEnv.discord(discord, GUILD),
        ...emulatorEnv.slack(slack),
        ...emulatorEnv.teams(graph),
        ...emulatorEnv.zoom(zoom),
        WHATSAPP_API_KEY: wa.api_key,
        WHATSAPP_PHONE_NUMBER_ID: wa.phone_number_id,
        WHATSAPP_APP_SECRET: wa.app_secret,
        WHATSAPP_VERIFY_TOKEN: wa.verify_token,
        WHATSAPP_GRAPH_BASE_URL: whatsapp.graphBaseUrl,
        LINKEDIN_ACCESS_TOKEN: linkedin.issueToken().accessToken,
        LINKEDIN_CLIENT_ID: linkedin.clientId,
        LINKEDIN_CLIENT_SECRET: linkedin.clientSecret,
        LINKEDIN_API_BASE_URL: linkedin.apiBaseUrl,
        LINKEDIN_OAUTH_BASE_URL: linkedin.oauthBaseUrl,
        PRESENCE_POLL_INTERVAL: '1',
        PRESENCE_MAX_RETRIES: '1',
        PRESENCE_RATE_LIMIT: '1000000',
      },
      tuning: { platformHttp: HTTP_TUNING },
    });
    for (const platform of Object.keys(IDS) as Platform[]) {
      await service.call('PUT', `/v1/users/p-${platform}/identities`, { body: { [platform]: IDS[platform] } });
    }
    for (const platform of Object.keys(flip) as Faulted[]) await seen(platform, flip[platform][1], 20_000);
    slack.subscribe(`${service.url}/v1/webhooks/slack`);
    zoom.webhookUrl = `${service.url}/v1/webhooks/zoom`;
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await Promise.all([discord?.close(), slack?.close(), graph?.close(), zoom?.close(), whatsapp?.close(), linkedin?.close()]);
    dir.remove();
  });

  const polled: readonly Polled[] = ['slack', 'teams', 'zoom'];
  const CASES: FaultCase[] = [
    // Bursts of BURST requests: below the breaker's threshold (5 failures in a row); the hang below opens it.
    { fault: '429 storm with Retry-After', platforms: polled, holdMs: 0, inject: (p) => void servers(p).faults.rateLimitNext(BURST, 1) },
    { fault: '5xx burst', platforms: polled, holdMs: 0, inject: (p) => void servers(p).faults.failNext(BURST, { status: 503, json: { error: 'unavailable' } }) },
    { fault: 'malformed JSON', platforms: polled, holdMs: 0, inject: (p) => void servers(p).faults.malformedNext(BURST) },
    { fault: 'connection resets', platforms: polled, holdMs: 0, inject: (p) => void servers(p).faults.dropNext(BURST) },
    {
      // Every request hangs: the adapter gives up after its timeout (1 s here through Tuning.platformHttp, 10 s by
      // default), the breaker opens after five in a row, and its cool-down (1 s here, 30 s by default) ends in a trial.
      fault: 'hang past the timeout',
      platforms: polled,
      holdMs: 0,
      inject: (p) => void servers(p).faults.delayNext(Number.POSITIVE_INFINITY, HANG_MS),
      during: async (p) => {
        const saw = { timeout: false, open: false };
        await eventually(
          async () => {
            const view = await platformStatus(service, p);
            saw.timeout ||= view.lastError?.message === `${p} did not answer within ${HTTP_TUNING.timeoutMs} ms`;
            saw.open ||= view.breaker === 'open';
            return saw.timeout && saw.open && view.state === 'degraded';
          },
          20_000,
          50,
        );
      },
    },
    { fault: 'gateway zombie (no heartbeat ACKs)', platforms: ['discord'], holdMs: 1500, inject: () => discord.stopAcking() },
    { fault: 'gateway connection reset', platforms: ['discord'], holdMs: 0, inject: () => discord.dropConnections() },
    {
      fault: 'malformed JSON frames on the gateway',
      platforms: ['discord'],
      holdMs: 0,
      inject: () => {
        discord.sendRaw('{"op":0,"t":"PRESENCE_UPDATE","s":9,"d":{"user":{"id":');
        discord.sendRaw('not json at all');
      },
    },
    {
      // The emulator lets the access token run out early; the adapter asks for one new token and goes on.
      fault: 'expired access token: one refresh, then on',
      platforms: ['teams', 'zoom'],
      holdMs: 0,
      inject: async (p) => {
        await note(p);
        if (p === 'teams') graph.expireTokens();
        if (p === 'zoom') zoom.expireTokens();
      },
      after: async (p) => {
        expect(tokenRequests(p) - (mark[p]?.tokens ?? 0)).toBe(1);
        // Not one failed poll: the 401 was answered by the refresh inside the same request.
        expect((await platformStatus(service, p)).errors).toBe(mark[p]?.errors);
      },
    },
    {
      fault: 'expired token that cannot be refreshed (Slack token_expired): auth-failed and reported',
      platforms: ['slack'],
      holdMs: 0,
      inject: () => slack.revokeToken('token_expired'),
      during: reportedAuthFailed,
      clear: () => slack.restoreToken(),
    },
    {
      // Revoked: the one refresh fails too, so the platform is reported and asked again only at its next poll.
      fault: 'revoked credentials: one refresh at most, then auth-failed and reported',
      platforms: ['slack', 'teams', 'zoom', 'discord'],
      holdMs: 2000,
      inject: async (p) => {
        await note(p);
        if (p === 'slack') slack.revokeToken();
        if (p === 'teams') graph.revokeApp();
        if (p === 'zoom') zoom.deactivateApp();
        if (p === 'discord') discordToken = discord.resetToken();
      },
      during: async (p) => {
        await reportedAuthFailed(p);
        if (p === 'discord') expect((await platformStatus(service, 'discord')).state).toBe('failed');
      },
      clear: async (p) => {
        // No retry storm: at most one token request per failed poll.
        const failedPolls = (await platformStatus(service, p)).errors - (mark[p]?.errors ?? 0);
        expect(tokenRequests(p) - (mark[p]?.tokens ?? 0)).toBeLessThanOrEqual(failedPolls + 1);
        if (p === 'slack') slack.restoreToken();
        if (p === 'teams') graph.restoreApp();
        if (p === 'zoom') zoom.reactivateApp();
        // A reset Discord token is not coming back: the operator connects the new one.
        if (p === 'discord') {
          const connected = await service.call('POST', '/v1/platforms/discord/connect', { body: { credentials: { bot_token: discordToken, guild_id: GUILD } } });
          expect(connected.status).toBe(200);
        }
      },
    },
  ];
  const table = CASES.flatMap((c) => c.platforms.map((platform) => [c.fault, platform, c] as const));

  const run = async (platform: Faulted, fault: FaultCase): Promise<void> => {
    const others = (Object.keys(flip) as Faulted[]).filter((other) => other !== platform);
    await fault.inject(platform);
    // While the fault lasts: the API answers and another platform's change still arrives.
    const witness = others[(truth[platform] ?? 0) % others.length];
    const expected = setTruth(witness);
    const health = await service.call('GET', '/health');
    expect(health.status).toBeLessThan(500);
    await seen(witness, expected);
    await fault.during?.(platform);
    await new Promise((done) => setTimeout(done, fault.holdMs));
    expect((await service.call('GET', '/v1/platforms')).status).toBe(200);
    // Recovery: the emulator behaves again, and a known value set now is what the service ends up with.
    servers(platform).faults.clear();
    await fault.clear?.(platform);
    await seen(platform, setTruth(platform), 30_000);
    await fault.after?.(platform);
  };
  it.each(table)('%s on %s', (_fault, platform, fault) => run(platform, fault), 60_000);

  const webhooks = (): WebhookCase[] => webhookCases({ service: () => service, slack, zoom, graph, whatsapp, linkedin, presenceOf, seen });
  it.each(['slack', 'zoom', 'whatsapp', 'linkedin', 'teams'] as const)(
    'forged, unsigned and replayed webhooks change nothing on %s; a properly signed one does',
    async (platform) => {
      const hook = webhooks().find((candidate) => candidate.platform === platform) as WebhookCase;
      await hook.prepare?.();
      const before = await reading(platform);
      for (const [label, refusedWith, send] of hook.forged) {
        expect({ label, status: await send() }).toEqual({ label, status: refusedWith });
      }
      expect(await reading(platform)).toEqual(before);
      await hook.genuine();
      const applied = await reading(platform);
      for (const [label, send] of hook.replayed) {
        const status = await send();
        expect({ label, status: status < 500 }).toEqual({ label, status: true });
      }
      expect(await reading(platform)).toEqual(applied);
      await hook.cleanup?.();
    },
    60_000,
  );
});
