import { PresenceAggregator, type PlatformPresence, type Scheduler } from '@amo/presence-core';
import { serveWebhook, type WebhookReceiver } from '@amo/presence-adapter-kit/testing';
import { WhatsAppEmulator } from './testing';
import { createWhatsAppAdapter, type WhatsAppAdapter, whatsappAdapterFactory } from './whatsapp.adapter';
import { parseWhatsAppCredentials } from './whatsapp.credentials';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MIN = 60_000;

/** Scheduler whose timers never fire by themselves: the test moves the clock and reads. */
class ManualScheduler implements Scheduler {
  readonly armed = new Map<string, () => void>();
  schedule(name: string, _delayMs: number, task: () => void): void {
    this.armed.set(name, task);
  }
  cancel(name: string): void {
    this.armed.delete(name);
  }
}

describe('WhatsAppAdapter against the emulator', () => {
  let now = T0;
  const clock = { now: () => now };
  let emulator: WhatsAppEmulator;
  let adapter: WhatsAppAdapter;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    now = T0;
    emulator = await WhatsAppEmulator.start({ clock });
    adapter = createWhatsAppAdapter({ credentials: parseWhatsAppCredentials(emulator.credentials()), graphBaseUrl: emulator.graphBaseUrl, maxRetries: 0 }, { clock });
    receiver = await serveWebhook((request) => adapter.receiveWebhook(request));
  });

  afterEach(async () => {
    await adapter.close();
    await receiver.close();
    await emulator.close();
  });

  it('stopPush: deliveries meanwhile are acknowledged but not applied (counted as ignored); startPush resumes', async () => {
    const pushed: string[] = [];
    const sink = { presence: (record: PlatformPresence) => pushed.push(`${record.accountId}@${record.lastSeen?.getTime() ?? 0}`), connection: () => undefined };
    await adapter.startPush(sink);
    await emulator.webhooks.message(receiver.url, { from: '16505551234', at: new Date(T0 - 2 * MIN) });
    await adapter.stopPush();
    const whileStopped = await emulator.webhooks.message(receiver.url, { from: '16505551234', at: new Date(T0 - MIN) });
    expect(whileStopped.status).toBe(200);
    expect(pushed).toEqual([`16505551234@${T0 - 2 * MIN}`]);
    expect((await adapter.fetchPresence(['16505551234'])).records[0]?.lastSeen).toEqual(new Date(T0 - 2 * MIN));
    expect(adapter.webhookStats()).toMatchObject({ accepted: 2, ignored: 1 });
    await adapter.startPush(sink);
    await emulator.webhooks.message(receiver.url, { from: '16505551234', at: new Date(T0) });
    expect(pushed.at(-1)).toBe(`16505551234@${T0}`);
  });

  it('connects by reading the phone number object with the bearer token', async () => {
    await adapter.connect();
    expect(adapter.phoneNumber).toMatchObject({ id: emulator.phoneNumberId, display_phone_number: '15550783881' });
    const [read] = emulator.server.requestsTo('/:version/:id', 'GET');
    expect(read?.path).toBe(`/v21.0/${emulator.phoneNumberId}`);
    expect(read?.headers['authorization']).toBe(`Bearer ${emulator.accessToken}`);
  });

  it('reports AUTH_INVALID for a revoked token (401, Graph code 190) without retrying it', async () => {
    emulator.revokeToken();
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'AUTH_INVALID', status: 401 });
    expect(emulator.server.requestsTo('/:version/:id', 'GET')).toHaveLength(1);
  });

  it('reports NOT_FOUND for a phone number id Graph does not know', async () => {
    const other = createWhatsAppAdapter({ credentials: { apiKey: emulator.accessToken, phoneNumberId: '999' }, graphBaseUrl: emulator.graphBaseUrl }, { clock });
    await expect(other.connect()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await other.close();
  });

  it('initializes through core with the seed keys, and fails cleanly with a bad key', async () => {
    const aggregator = new PresenceAggregator({ clock, scheduler: new ManualScheduler(), adapterFactories: { whatsapp: whatsappAdapterFactory({ graphBaseUrl: emulator.graphBaseUrl }, { clock }) } });
    expect(await aggregator.initializePlatform('whatsapp', { api_key: emulator.accessToken, phone_number_id: emulator.phoneNumberId })).toBe(true);
    expect(await aggregator.initializePlatform('whatsapp', { api_key: 'wrong', phone_number_id: emulator.phoneNumberId })).toBe(false);
    expect(aggregator.getPresenceStatistics().platforms.whatsapp?.lastError?.code).toBe('AUTH_INVALID');
    await aggregator.close();
  });

  it('answers the verification GET through a real URL, and refuses a wrong verify token', async () => {
    expect(await emulator.webhooks.verify(receiver.url)).toMatchObject({ status: 200, accepted: true });
    expect(await emulator.webhooks.verify(receiver.url, { verifyToken: 'guess' })).toMatchObject({ status: 403, accepted: false });
  });

  it('rejects unsigned and mis-signed deliveries, counts them, and changes nothing', async () => {
    const body = emulator.webhooks.messagePayload({ from: '16505551234' });
    expect((await emulator.webhooks.deliver(receiver.url, body, 'none')).status).toBe(401);
    expect((await emulator.webhooks.deliver(receiver.url, body, 'wrong-secret')).status).toBe(403);
    expect((await emulator.webhooks.deliver(receiver.url, body, 'tampered')).status).toBe(403);
    expect(adapter.webhookStats().rejected).toEqual({ unsigned: 1, 'bad-signature': 2 });
    expect(adapter.health().lastError?.message).toContain('bad-signature');
    expect(await adapter.fetchPresence(['16505551234'])).toEqual({ records: [], notFound: [] });
  });

  it('keeps the newest lastSeen when deliveries arrive out of order or twice', async () => {
    const pushed: PlatformPresence[] = [];
    await adapter.startPush({ presence: (record) => pushed.push(record), connection: () => undefined });
    const older = emulator.webhooks.messagePayload({ from: '16505551234', at: new Date(T0 - 4 * MIN) });
    const newer = emulator.webhooks.statusPayload({ recipientId: '16505551234', status: 'read', at: new Date(T0 - MIN) });
    const answers = await emulator.webhooks.outOfOrder(receiver.url, [older, newer]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    await emulator.webhooks.duplicate(receiver.url, older, 3);
    const { records } = await adapter.fetchPresence(['16505551234', '447700900123']);
    expect(records).toEqual([expect.objectContaining({ accountId: '16505551234', status: 'online', rawStatus: 'read', lastSeen: new Date(T0 - MIN) })]);
    // Only the advance was pushed; the late older signal and the duplicates were not.
    expect(pushed.map((record) => record.lastSeen)).toEqual([new Date(T0 - MIN)]);
    expect(adapter.webhookStats()).toMatchObject({ accepted: 5, signals: { message: 4, read: 1, delivered: 0 } });
  });

  it('records delivered as reachability without making anyone seen', async () => {
    await emulator.webhooks.status(receiver.url, { recipientId: '447700900123', status: 'delivered' });
    expect(adapter.signalsOf('447700900123')).toEqual({ waId: '447700900123', reachableAt: new Date(T0) });
    expect((await adapter.fetchPresence(['447700900123'])).records).toEqual([]);
  });

  it('turns online into away as time passes, through the aggregator, and never offline', async () => {
    const aggregator = new PresenceAggregator({ clock, scheduler: new ManualScheduler(), recencyWindowMs: 5 * MIN });
    aggregator.directory.link('ada', 'whatsapp', '16505551234');
    aggregator.directory.link('bob', 'whatsapp', '447700900123');
    aggregator.registerAdapter(adapter);
    await aggregator.startMonitoring(['whatsapp']);
    const changes: string[] = [];
    aggregator.addAggregateListener((userId, change) => changes.push(`${userId}:${change.status}`));

    await emulator.webhooks.message(receiver.url, { from: '16505551234', at: new Date(T0 - 30_000) });
    await emulator.webhooks.status(receiver.url, { recipientId: '447700900123', status: 'delivered' });
    expect(aggregator.getAggregatedPresence('ada')).toBe('online');
    expect(aggregator.getUserPresence('ada').whatsapp?.lastSeen).toEqual(new Date(T0 - 30_000));
    expect(aggregator.getAggregatedPresence('bob')).toBe('unknown');

    now = T0 + 4 * MIN;
    expect(aggregator.getAggregatedPresence('ada')).toBe('online');
    now = T0 + 5 * MIN;
    expect(aggregator.getAggregatedPresence('ada')).toBe('away');
    now = T0 + 24 * 60 * MIN;
    expect(aggregator.getAggregatedPresence('ada')).toBe('away');
    expect(aggregator.areUsersAvailable(['ada'])).toEqual({ ada: false });

    // A late delivery of an older message does not bring lastSeen back.
    await emulator.webhooks.message(receiver.url, { from: '16505551234', at: new Date(T0 - 10 * MIN) });
    expect(aggregator.getUserPresence('ada').whatsapp?.lastSeen).toEqual(new Date(T0 - 30_000));
    // A fresh message makes the person online again.
    await emulator.webhooks.message(receiver.url, { from: '16505551234' });
    expect(aggregator.getAggregatedPresence('ada')).toBe('online');
    expect(changes).toContain('ada:online');
    await aggregator.close();
  });

  it('after close: refuses reads and remembers nothing new', async () => {
    await adapter.close();
    await expect(adapter.fetchPresence(['1'])).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(adapter.connect()).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(adapter.health().connection).toBe('down');
    await adapter.close();
  });
});
