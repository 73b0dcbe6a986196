import { DiscordGatewayEmulator } from '@amo/presence-adapter-discord/testing';
import { GraphEmulator } from '@amo/presence-adapter-teams/testing';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { openStore, type PresenceStore } from '@amo/presence-store';
import { join } from 'node:path';
import { bootService, eventually, freePort, type RunningService, StreamClient, tempDir } from './harness.spec-helper';

const GUILD = '41771983444115456';
const DAN = '80351110224678912';
const OTHER = '80351110224678913';
const GINA = '22222222-3333-4444-8555-666666666666';
const KEY = Buffer.alloc(32, 4).toString('base64');

describe('identities replaced atomically, and a restart that resumes instead of starting over', () => {
  const dir = tempDir();
  let zoom: ZoomEmulator;
  let discord: DiscordGatewayEmulator;
  let graph: GraphEmulator;
  let service: RunningService;
  let port: number;
  // The service's clock: ten minutes behind at first, so what it confirms then is old after the restart.
  let offset = -10 * 60_000;
  const clock = { now: () => Date.now() + offset };
  let env: Record<string, string>;
  const subscriptionPosts = (): number => graph.server.requestsTo('/v1.0/subscriptions', 'POST').length;

  beforeAll(async () => {
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-alice', status: 'Available' }, { id: 'zoom-bob', status: 'Away' }] });
    discord = await DiscordGatewayEmulator.start();
    discord.addGuild(GUILD, 'AMO').addMembers(GUILD, [{ id: DAN, status: 'online' }, { id: OTHER, status: 'idle' }]);
    graph = await GraphEmulator.start();
    graph.addUsers([GINA]);
    port = await freePort();
    env = {
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_GUILD_ID: GUILD,
      DISCORD_API_BASE_URL: discord.apiBaseUrl,
      GRAPH_API_BASE_URL: graph.url,
      MICROSOFT_LOGIN_BASE_URL: graph.url,
      PRESENCE_ENCRYPTION_KEY: KEY,
      PRESENCE_POLL_INTERVAL: '1',
    };
    service = await bootService({
      dataDir: dir.path,
      port,
      clock,
      env: { ...env, ZOOM_ACCOUNT_ID: zoom.accountId, ZOOM_CLIENT_ID: zoom.clientId, ZOOM_CLIENT_SECRET: zoom.clientSecret, ZOOM_API_BASE_URL: zoom.apiBaseUrl, ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl },
    });
  });

  afterAll(async () => {
    await service?.close();
    await Promise.all([zoom?.close(), discord?.close(), graph?.close()]);
    dir.remove();
  });

  const presence = async (userId: string): Promise<any> => (await service.call('GET', `/v1/presence/${userId}`)).body;

  it('answers 409 and changes nothing when a conflict only the database knows of comes partway through a PUT', async () => {
    expect((await service.call('PUT', '/v1/users/alice/identities', { body: { zoom: 'zoom-alice' } })).status).toBe(200);
    await eventually(async () => (await presence('alice'))?.platforms?.zoom?.lastUpdated, 10_000);
    // Another instance on the same database links a Discord account this one has not heard of.
    const other: PresenceStore = await openStore({ database: { type: 'sqlite', path: join(dir.path, 'presence.sqlite') } });
    try {
      await other.identities.link('mallory', 'discord', OTHER);
      // Zoom comes first: replacing it would be applied before the Discord link fails, one link at a time.
      const put = await service.call('PUT', '/v1/users/alice/identities', { body: { zoom: 'zoom-carl', discord: OTHER } });
      expect(put.status).toBe(409);
      expect(put.body.error.code).toBe('CONFLICT');
      expect((await service.call('GET', '/v1/users/alice/identities')).body).toEqual({ zoom: 'zoom-alice' });
      expect(await other.identities.accountsOf('alice')).toEqual({ zoom: 'zoom-alice' });
      expect(await other.identities.personOf('zoom', 'zoom-carl')).toBeUndefined();
      expect((await presence('alice')).platforms.zoom).toBeDefined();
    } finally {
      await other.close();
    }
  });

  it('runs the Discord gateway and Graph subscriptions, and polls Zoom, before the restart', async () => {
    await service.call('PUT', '/v1/users/bob/identities', { body: { zoom: 'zoom-bob' } });
    await service.call('PUT', '/v1/users/dan/identities', { body: { discord: DAN } });
    await service.call('PUT', '/v1/users/gina/identities', { body: { teams: GINA } });
    const delegated = graph.issueDelegatedToken();
    const { graph_base_url: _g, login_base_url: _l, ...app } = graph.credentials();
    const connected = await service.call('POST', '/v1/platforms/teams/connect', {
      body: { credentials: { ...app, delegated_access_token: delegated.accessToken, delegated_refresh_token: delegated.refreshToken, delegated_expires_at: delegated.expiresAt } },
    });
    expect(connected.status).toBe(200);
    await eventually(() => graph.subscriptions().length === 1, 10_000);
    expect(discord.framesWithOp(2)).toHaveLength(1);
    await eventually(async () => (await presence('bob'))?.platforms?.zoom?.lastUpdated && (await presence('dan'))?.platforms?.discord?.lastUpdated, 10_000);

    // Alice's record stops being confirmed (Zoom no longer knows her); Bob's is confirmed again at the real time.
    zoom.removeUser('zoom-alice');
    offset = 0;
    zoom.setStatus('zoom-bob', 'Do_Not_Disturb');
    await eventually(async () => (await presence('bob')).platforms.zoom.status === 'busy', 10_000);
  });

  it('after the restart: snapshots keep their real age, the Discord session resumes, the Graph subscription is reused', async () => {
    const aliceBefore = (await presence('alice')).platforms.zoom;
    const subscription = graph.subscriptions()[0];
    await service.close();
    expect(graph.subscriptions().map((s) => s.id)).toEqual([subscription.id]);

    // Zoom is not configured now, so nothing re-reads those two records: what shows is what was stored.
    service = await bootService({ dataDir: dir.path, port, clock, env });
    const alice = (await presence('alice')).platforms.zoom;
    expect(alice).toMatchObject({ status: aliceBefore.status, lastUpdated: aliceBefore.lastUpdated, stale: true });
    expect((await presence('bob')).platforms.zoom).toMatchObject({ status: 'busy', stale: false });

    await eventually(() => discord.framesWithOp(6).length === 1, 10_000);
    expect(discord.framesWithOp(2)).toHaveLength(1);
    await eventually(async () => (await service.call('GET', '/v1/platforms')).body.platforms.find((p: any) => p.platform === 'teams')?.state === 'up', 10_000);
    expect(subscriptionPosts()).toBe(1);
    expect(graph.subscriptions().map((s) => s.id)).toEqual([subscription.id]);

    const stream = await StreamClient.open(service.wsUrl);
    await stream.subscribe(['gina', 'dan']);
    graph.setPresence(GINA, { availability: 'Busy', activity: 'InACall' });
    await graph.flushDeliveries();
    await stream.next((m) => m.type === 'presence' && m.userId === 'gina' && m.presence.status === 'busy', 10_000);
    discord.setUserPresence(DAN, 'dnd');
    await stream.next((m) => m.type === 'presence' && m.userId === 'dan' && m.presence.status === 'busy', 10_000);
    expect(subscriptionPosts()).toBe(1);
    stream.close();
  });
});
