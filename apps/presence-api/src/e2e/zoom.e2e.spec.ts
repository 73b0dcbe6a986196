import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import type { PresenceClient } from '@amo/presence-client';
import { bootService, eventually, type RunningService, StreamClient, tempDir } from './harness.spec-helper';

describe('Zoom through the service: polled presence and signed webhooks', () => {
  const dir = tempDir();
  let zoom: ZoomEmulator;
  let service: RunningService;
  let stream: StreamClient;
  let client: PresenceClient;

  beforeAll(async () => {
    zoom = await ZoomEmulator.start({
      users: [
        { id: 'zoom-alice', email: 'alice@example.com', status: 'Available' },
        { id: 'zoom-bob', email: 'bob@example.com', status: 'In_A_Zoom_Meeting' },
      ],
    });
    service = await bootService({
      dataDir: dir.path,
      env: {
        ZOOM_ACCOUNT_ID: zoom.accountId,
        ZOOM_CLIENT_ID: zoom.clientId,
        ZOOM_CLIENT_SECRET: zoom.clientSecret,
        ZOOM_WEBHOOK_SECRET_TOKEN: zoom.webhookSecretToken,
        ZOOM_API_BASE_URL: zoom.apiBaseUrl,
        ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl,
        PRESENCE_POLL_INTERVAL: '1',
      },
    });
    zoom.webhookUrl = `${service.url}/v1/webhooks/zoom`;
    client = service.client;
    stream = await StreamClient.open(service.wsUrl);
  });

  afterAll(async () => {
    stream?.close();
    await service?.close();
    await zoom?.close();
    dir.remove();
  });

  it('links people and serves their polled presence from the cache', async () => {
    expect(await client.linkIdentities('alice', { zoom: 'zoom-alice' })).toEqual({ zoom: 'zoom-alice' });
    expect(await client.linkIdentities('bob', { zoom: 'zoom-bob' })).toEqual({ zoom: 'zoom-bob' });
    const alice = await eventually(async () => {
      const document = await client.getPresence('alice');
      return document.platforms.zoom?.lastUpdated ? document : undefined;
    });
    expect(alice).toMatchObject({ userId: 'alice', status: 'online', available: true, decidedBy: 'zoom' });
    expect(alice.platforms.zoom).toMatchObject({ status: 'online', rawStatus: 'Available', stale: false });
    const bob = await eventually(async () => {
      const document = await client.getPresence('bob');
      return document.platforms.zoom?.lastUpdated ? document : undefined;
    });
    expect(bob).toMatchObject({ status: 'busy', available: false });
    expect(bob.platforms.zoom?.activity).toBe('In a Zoom meeting');
  });

  it('streams a webhook-delivered status change to subscribers, per platform and as an aggregate', async () => {
    await stream.subscribe(['alice']);
    // The subscription starts with the truth: alice's document as GET /v1/presence/alice has it.
    const snapshot = await stream.next((m) => m.type === 'snapshot' && m.userId === 'alice');
    expect(snapshot.presence).toEqual(await client.getPresence('alice'));
    const answer = await zoom.changeStatus('zoom-alice', 'Do_Not_Disturb');
    expect(answer?.status).toBe(200);
    const presence = await stream.next((m) => m.type === 'presence' && m.userId === 'alice' && m.presence.status === 'busy');
    expect(presence).toMatchObject({ platform: 'zoom', presence: { rawStatus: 'Do_Not_Disturb', activity: 'Do not disturb' } });
    const aggregate = await stream.next((m) => m.type === 'aggregate' && m.userId === 'alice' && m.status === 'busy');
    expect(aggregate).toEqual({ seq: expect.any(Number), at: expect.any(String), type: 'aggregate', userId: 'alice', status: 'busy', previousStatus: 'online', available: false, decidedBy: 'zoom', policy: 'highest-priority' });
    expect(stream.messages.some((m) => m.userId === 'bob')).toBe(false);
    expect(stream.stream.presences.get('alice')).toMatchObject({ status: 'busy', decidedBy: 'zoom', platforms: { zoom: { rawStatus: 'Do_Not_Disturb' } } });
    const availability = await client.checkAvailability(['alice', 'bob', 'nobody'], { details: true });
    expect(availability).toEqual({
      availability: { alice: false, bob: false, nobody: false },
      details: {
        alice: { status: 'busy', decidedBy: 'zoom', stale: [], bestChannel: expect.objectContaining({ platform: 'zoom', accountId: 'zoom-alice', status: 'busy' }) },
        bob: { status: 'busy', decidedBy: 'zoom', stale: [], bestChannel: expect.objectContaining({ platform: 'zoom', accountId: 'zoom-bob', status: 'busy' }) },
        nobody: { status: 'unknown', decidedBy: null, stale: [], bestChannel: null },
      },
    });
  });

  it('answers the URL validation handshake and rejects a mis-signed delivery without changing anything', async () => {
    const validation = await zoom.webhooks.validateUrl(`${service.url}/v1/webhooks/zoom`);
    expect(validation.ok).toBe(true);
    const forged = await zoom.webhooks.sendPresence(`${service.url}/v1/webhooks/zoom`, { userId: 'zoom-alice', status: 'Available' }, { misSign: true });
    expect(forged.status).toBe(401);
    expect((await client.getPresence('alice')).status).toBe('busy');
  });

  it('lists people, pages them, and keeps an audit of status changes without message text', async () => {
    const page = await client.listUsers({ limit: 1 });
    expect(page.users).toEqual([{ userId: 'alice', platforms: ['zoom'] }]);
    const next = await client.listUsers({ limit: 1, cursor: page.nextCursor ?? undefined });
    expect(next).toEqual({ users: [{ userId: 'bob', platforms: ['zoom'] }], nextCursor: null });
    const audit = await eventually(async () => {
      const body = await client.listAudit({ userId: 'alice' });
      return body.entries.some((entry) => entry.to === 'busy') ? body : undefined;
    });
    expect(audit.entries[0]).toEqual({ id: expect.any(Number), userId: 'alice', platform: 'zoom', from: 'online', to: 'busy', at: expect.any(String) });
    expect(JSON.stringify(audit)).not.toMatch(/Do not disturb|activity|message/i);
  });

  it('relinking a person to another account drops what was held for the old one', async () => {
    zoom.addUser({ id: 'zoom-bob-2', status: 'Available' });
    expect(await client.linkIdentities('bob', { zoom: 'zoom-bob-2' })).toEqual({ zoom: 'zoom-bob-2' });
    const bob = await eventually(async () => {
      const document = await client.getPresence('bob');
      return document.platforms.zoom?.status === 'online' ? document : undefined;
    });
    expect(bob).toMatchObject({ status: 'online', available: true });
  });

  it('opt-out removes cached and stored presence at once, and the person is no longer polled', async () => {
    const snapshotsOf = async (userId: string) => (await client.exportPerson(userId)).snapshots as unknown[];
    await eventually(async () => (await snapshotsOf('alice')).length === 1);
    expect(await client.setPreferences('alice', { optedOut: true })).toMatchObject({ userId: 'alice', optedOut: true });
    expect(await client.getPresence('alice')).toMatchObject({ status: 'unknown', available: false, platforms: {} });
    expect(await snapshotsOf('alice')).toEqual([]);

    const readsOf = (id: string) => zoom.presenceRequests().filter((request) => request.path.includes(id)).length;
    const aliceBefore = readsOf('zoom-alice');
    const bobBefore = readsOf('zoom-bob-2');
    await eventually(() => readsOf('zoom-bob-2') >= bobBefore + 2, 10_000);
    expect(readsOf('zoom-alice')).toBe(aliceBefore);
    await zoom.changeStatus('zoom-alice', 'Available');
    expect((await client.getPresence('alice')).platforms).toEqual({});
  });
});
