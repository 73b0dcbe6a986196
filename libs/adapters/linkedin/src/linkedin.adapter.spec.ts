import { PresenceAggregator, type PlatformPresence, type Scheduler } from '@amo/presence-core';
import { serveWebhook, type WebhookReceiver } from '@amo/presence-adapter-kit/testing';
import { LinkedInEmulator } from './testing';
import { createLinkedInAdapter, type LinkedInAdapter, linkedinAdapterFactory } from './linkedin.adapter';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MIN = 60_000;
const ADA = 'urn:li:person:yrZCpj2ZYQ';
const BOB = 'urn:li:person:bobBob123';

class ManualScheduler implements Scheduler {
  schedule(): void {
    // Nothing fires by itself: the test moves the clock and reads.
  }
  cancel(): void {
    // Nothing armed.
  }
}

describe('LinkedInAdapter against the emulator', () => {
  let now = T0;
  const clock = { now: () => now };
  let emulator: LinkedInEmulator;
  let adapter: LinkedInAdapter;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    now = T0;
    emulator = await LinkedInEmulator.start({ clock });
    const { accessToken } = emulator.issueToken();
    adapter = createLinkedInAdapter(
      { credentials: { clientId: emulator.clientId, clientSecret: emulator.clientSecret, accessToken }, apiBaseUrl: emulator.apiBaseUrl, oauthBaseUrl: emulator.oauthBaseUrl, maxRetries: 0 },
      { clock },
    );
    receiver = await serveWebhook((request) => adapter.receiveWebhook(request));
  });

  afterEach(async () => {
    await adapter.close();
    await receiver.close();
    await emulator.close();
  });

  it('connects by validating the token against userinfo', async () => {
    await adapter.connect();
    const [call] = emulator.server.requestsTo('/v2/userinfo', 'GET');
    expect(call?.headers['authorization']).toMatch(/^Bearer AQV/);
    expect(adapter.health()).toMatchObject({ breaker: 'closed', retries: 0 });
  });

  it('reports AUTH_INVALID for a revoked token, an unknown token, and no token at all', async () => {
    const revoked = emulator.issueToken();
    emulator.revoke(revoked.accessToken);
    for (const accessToken of [revoked.accessToken, 'AQVnot-a-token']) {
      const other = createLinkedInAdapter({ credentials: { accessToken }, apiBaseUrl: emulator.apiBaseUrl }, { clock });
      await expect(other.connect()).rejects.toMatchObject({ code: 'AUTH_INVALID', status: 401 });
      await other.close();
    }
    const flowOnly = createLinkedInAdapter({ credentials: { clientId: 'id', clientSecret: 's' } }, { clock });
    await expect(flowOnly.connect()).rejects.toMatchObject({ code: 'AUTH_INVALID', message: expect.stringContaining('OAuth flow') });
    expect(flowOnly.health()).toMatchObject({ breaker: 'closed', budgets: [] });
    await flowOnly.close();
  });

  it('initializes through core with the seed keys', async () => {
    const aggregator = new PresenceAggregator({ clock, scheduler: new ManualScheduler(), adapterFactories: { linkedin: linkedinAdapterFactory({ apiBaseUrl: emulator.apiBaseUrl }, { clock }) } });
    const { accessToken } = emulator.issueToken();
    expect(await aggregator.initializePlatform('linkedin', { client_id: emulator.clientId, client_secret: emulator.clientSecret, access_token: accessToken })).toBe(true);
    expect(await aggregator.initializePlatform('linkedin', { access_token: 'AQVwrong' })).toBe(false);
    expect(await aggregator.initializePlatform('linkedin', { client_id: emulator.clientId, client_secret: emulator.clientSecret })).toBe(false);
    await expect(aggregator.initializePlatform('linkedin', {})).rejects.toThrow(/missing access_token/);
    await aggregator.close();
  });

  it('with no signal, a person is unknown, never offline', async () => {
    const aggregator = new PresenceAggregator({ clock, scheduler: new ManualScheduler() });
    aggregator.directory.link('ada', 'linkedin', ADA);
    await adapter.connect();
    aggregator.registerAdapter(adapter);
    await aggregator.startMonitoring(['linkedin']);
    expect(await adapter.fetchPresence([ADA])).toEqual({ records: [], notFound: [] });
    expect(aggregator.getAggregatedPresence('ada')).toBe('unknown');
    now += 24 * 60 * MIN;
    expect(aggregator.getAggregatedPresence('ada')).toBe('unknown');
    expect(aggregator.getUserPresence('ada')).toEqual({});
    await aggregator.close();
  });

  it('passes LinkedIn\'s challenge validation through a real URL', async () => {
    expect(await emulator.webhooks.validate(receiver.url)).toMatchObject({ status: 200, passed: true });
  });

  it('turns a member\'s own act into lastSeen that decays from online to away, and ignores everyone else', async () => {
    const aggregator = new PresenceAggregator({ clock, scheduler: new ManualScheduler() });
    aggregator.directory.link('ada', 'linkedin', ADA);
    aggregator.directory.link('bob', 'linkedin', BOB);
    aggregator.registerAdapter(adapter);
    await aggregator.startMonitoring(['linkedin']);
    const answer = await emulator.webhooks.actions(receiver.url, [{ action: 'COMMENT', actor: ADA, at: T0 - MIN }, { action: 'ADMIN_COMMENT', actor: BOB }]);
    expect(answer.status).toBe(200);
    expect(aggregator.getAggregatedPresence('ada')).toBe('online');
    expect(aggregator.getUserPresence('ada').linkedin).toMatchObject({ status: 'online', lastSeen: new Date(T0 - MIN), rawStatus: 'COMMENT' });
    expect(aggregator.getAggregatedPresence('bob')).toBe('unknown');
    now = T0 + 4 * MIN; // exactly the 5-minute window since the act
    expect(aggregator.getAggregatedPresence('ada')).toBe('online');
    now = T0 + 4 * MIN + 1;
    expect(aggregator.getAggregatedPresence('ada')).toBe('away');
    expect(aggregator.getUserPresence('ada').linkedin?.lastSeen).toEqual(new Date(T0 - MIN));
    await aggregator.close();
  });

  it('stopPush: deliveries meanwhile are acknowledged but not applied (counted as ignored); startPush resumes', async () => {
    const pushed: PlatformPresence[] = [];
    const sink = { presence: (record: PlatformPresence) => pushed.push(record), connection: () => undefined };
    await adapter.startPush(sink);
    await emulator.webhooks.actions(receiver.url, [{ action: 'SHARE', actor: ADA, at: T0 - 3 * MIN }]);
    await adapter.stopPush();
    const whileStopped = await emulator.webhooks.actions(receiver.url, [{ action: 'COMMENT', actor: ADA, at: T0 - MIN }]);
    expect(whileStopped.status).toBe(200);
    expect(pushed.map((record) => record.lastSeen)).toEqual([new Date(T0 - 3 * MIN)]);
    expect((await adapter.fetchPresence([ADA])).records[0]).toMatchObject({ lastSeen: new Date(T0 - 3 * MIN), rawStatus: 'SHARE' });
    expect(adapter.webhookStats()).toMatchObject({ accepted: 2, ignored: 1 });
    await adapter.startPush(sink);
    await emulator.webhooks.actions(receiver.url, [{ action: 'COMMENT', actor: ADA, at: T0 }]);
    expect(pushed.at(-1)).toMatchObject({ lastSeen: new Date(T0), rawStatus: 'COMMENT' });
  });

  it('keeps the newest act across out-of-order and repeated deliveries', async () => {
    const pushed: PlatformPresence[] = [];
    await adapter.startPush({ presence: (record) => pushed.push(record), connection: () => undefined });
    const older = emulator.webhooks.batch([{ action: 'SHARE', actor: ADA, at: T0 - 3 * MIN }]);
    const newer = emulator.webhooks.batch([{ action: 'COMMENT', actor: ADA, at: T0 - MIN }]);
    await emulator.webhooks.outOfOrder(receiver.url, [older, newer]);
    await emulator.webhooks.duplicate(receiver.url, older, 2);
    expect((await adapter.fetchPresence([ADA, BOB])).records).toEqual([expect.objectContaining({ accountId: ADA, lastSeen: new Date(T0 - MIN), rawStatus: 'COMMENT' })]);
    expect(pushed.map((record) => record.lastSeen)).toEqual([new Date(T0 - MIN)]);
    expect(adapter.webhookStats()).toEqual({ accepted: 4, rejected: {}, ignored: 0, signals: 4 });
  });

  it('rejects unsigned, mis-signed and tampered deliveries, counts them, and changes nothing', async () => {
    const body = emulator.webhooks.batch([{ action: 'COMMENT', actor: ADA }]);
    expect((await emulator.webhooks.deliver(receiver.url, body, 'none')).status).toBe(401);
    expect((await emulator.webhooks.deliver(receiver.url, body, 'wrong-secret')).status).toBe(403);
    expect((await emulator.webhooks.deliver(receiver.url, body, 'tampered')).status).toBe(403);
    expect(adapter.webhookStats().rejected).toEqual({ unsigned: 1, 'bad-signature': 2 });
    expect(adapter.health().lastError?.message).toContain('bad-signature');
    expect((await adapter.fetchPresence([ADA])).records).toEqual([]);
  });

  it('after close: refuses reads, reports down, and closing twice is harmless', async () => {
    const states: string[] = [];
    await adapter.startPush({ presence: () => undefined, connection: (state) => states.push(state) });
    await adapter.close();
    await adapter.close();
    expect(states).toEqual(['up', 'down']);
    await expect(adapter.fetchPresence([ADA])).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(adapter.health().connection).toBe('down');
  });
});
