import { serveWebhook, type ReceivedWebhook, type WebhookAnswer, type WebhookReceiver } from '@amo/presence-adapter-kit/testing';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import type { PresenceStore } from '@amo/presence-store';
import { ConfigError, loadConfig } from '../config/config.loader';
import { bootService, eventually, type RunningService, tempDir } from '../e2e/harness.spec-helper';
import { PresenceEvents } from '../events/presence-events';
import { PRESENCE_STORE } from '../store/store.providers';
import { verifyEventSignature } from './event-signature';

const SECRET = 'e2e-outbound-secret-0123456789';

interface Received {
  body: any;
  raw: string;
  headers: ReceivedWebhook['headers'];
}

/** A receiver on loopback whose answer the test changes as it goes. */
async function receiver(): Promise<{ server: WebhookReceiver; received: Received[]; answer: (request: Received) => WebhookAnswer | Promise<WebhookAnswer>; set(fn: (request: Received) => WebhookAnswer | Promise<WebhookAnswer>): void }> {
  const state = {
    received: [] as Received[],
    answer: (() => ({ status: 200, body: { ok: true } })) as (request: Received) => WebhookAnswer | Promise<WebhookAnswer>,
  };
  const server = await serveWebhook((request) => {
    const raw = request.rawBody.toString('utf8');
    const entry = { body: JSON.parse(raw), raw, headers: request.headers };
    state.received.push(entry);
    return state.answer(entry);
  }, '/amo/presence-events');
  return {
    server,
    received: state.received,
    get answer() {
      return state.answer;
    },
    set: (fn) => {
      state.answer = fn;
    },
  };
}

const storeOf = (running: RunningService): PresenceStore => running.app.get(PRESENCE_STORE);
const hang = (): Promise<WebhookAnswer> => new Promise(() => undefined);
const signedBy = (entry: Received, secret: string): boolean =>
  verifyEventSignature(secret, { signature: String(entry.headers['x-presence-signature']), timestamp: String(entry.headers['x-presence-timestamp']) }, entry.raw, Date.now());

describe('outbound events: configuration', () => {
  it('needs the secret once the URL is set, and defaults to 8 attempts', () => {
    expect(() => loadConfig({ PRESENCE_EVENTS_WEBHOOK_URL: 'https://hooks.example.com/presence' })).toThrow(ConfigError);
    expect(() => loadConfig({ PRESENCE_EVENTS_WEBHOOK_URL: 'https://hooks.example.com/presence' })).toThrow(/PRESENCE_EVENTS_WEBHOOK_SECRET must be set too/);
    expect(() => loadConfig({ PRESENCE_EVENTS_WEBHOOK_URL: 'ftp://x', PRESENCE_EVENTS_WEBHOOK_SECRET: SECRET })).toThrow(/PRESENCE_EVENTS_WEBHOOK_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ PRESENCE_EVENTS_WEBHOOK_URL: 'https://h.example', PRESENCE_EVENTS_WEBHOOK_SECRET: SECRET, PRESENCE_EVENTS_WEBHOOK_MAX_ATTEMPTS: '0' })).toThrow(
      /PRESENCE_EVENTS_WEBHOOK_MAX_ATTEMPTS must be at least 1/,
    );
    const config = loadConfig({ PRESENCE_EVENTS_WEBHOOK_URL: 'https://hooks.example.com/presence', PRESENCE_EVENTS_WEBHOOK_SECRET: SECRET });
    expect(config.eventsWebhook).toEqual({ url: 'https://hooks.example.com/presence', secret: SECRET, maxAttempts: 8 });
    expect(loadConfig({}).eventsWebhook).toBeUndefined();
    const problems = (() => {
      try {
        loadConfig({ PRESENCE_EVENTS_WEBHOOK_URL: 'https://h.example', PRESENCE_EVENTS_WEBHOOK_SECRET: 'short' });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(problems).toContain('PRESENCE_EVENTS_WEBHOOK_SECRET must be at least 16 characters');
    expect(problems).not.toContain('short');
  });
});

describe('outbound events through the service', () => {
  const dir = tempDir();
  let hook: Awaited<ReturnType<typeof receiver>>;
  let service: RunningService | undefined;
  let zoom: ZoomEmulator | undefined;

  const boot = (env: Record<string, string> = {}) =>
    bootService({
      dataDir: dir.path,
      env: { PRESENCE_EVENTS_WEBHOOK_URL: hook.server.url, PRESENCE_EVENTS_WEBHOOK_SECRET: SECRET, ...env },
      tuning: { eventsWebhookTimeoutMs: 20_000, eventsWebhookRetryBaseMs: 60_000 },
    });

  beforeEach(async () => {
    hook = await receiver();
  });

  afterEach(async () => {
    await service?.close();
    service = undefined;
    await zoom?.close();
    zoom = undefined;
    await hook.server.close();
  });

  afterAll(() => dir.remove());

  it("POSTs a person's aggregate changes and the platform's health, signed, as a real Zoom change happens", async () => {
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-alice', email: 'alice@example.com', status: 'Available' }] });
    service = await boot({
      ZOOM_ACCOUNT_ID: zoom.accountId,
      ZOOM_CLIENT_ID: zoom.clientId,
      ZOOM_CLIENT_SECRET: zoom.clientSecret,
      ZOOM_WEBHOOK_SECRET_TOKEN: zoom.webhookSecretToken,
      ZOOM_API_BASE_URL: zoom.apiBaseUrl,
      ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl,
      PRESENCE_POLL_INTERVAL: '1',
    });
    zoom.webhookUrl = `${service.url}/v1/webhooks/zoom`;
    expect((await service.call('PUT', '/v1/users/alice/identities', { body: { zoom: 'zoom-alice' } })).status).toBe(200);
    const online = await eventually(() => hook.received.find((r) => r.body.type === 'aggregate.changed' && r.body.data.status === 'online'), 10_000);
    expect(Object.keys(online.body.data).sort()).toEqual(['available', 'decidedBy', 'policy', 'previousStatus', 'status', 'userId']);
    expect(online.body.data).toMatchObject({ userId: 'alice', status: 'online', available: true, decidedBy: 'zoom', policy: 'highest-priority' });
    expect((await zoom.changeStatus('zoom-alice', 'Do_Not_Disturb'))?.status).toBe(200);
    const busy = await eventually(() => hook.received.find((r) => r.body.type === 'aggregate.changed' && r.body.data.status === 'busy'));
    expect(busy.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'aggregate.changed',
      at: expect.any(String),
      data: { userId: 'alice', status: 'busy', previousStatus: 'online', available: false, decidedBy: 'zoom', policy: 'highest-priority' },
    });
    zoom.server.faults.failNext(Infinity, { status: 503, json: { message: 'Service unavailable' } });
    const degraded = await eventually(() => hook.received.find((r) => r.body.type === 'platform.changed' && r.body.data.state === 'degraded'), 10_000);
    expect(degraded.body.data).toEqual({ platform: 'zoom', state: 'degraded', breaker: expect.any(String), lastError: expect.objectContaining({ code: 'TRANSIENT' }) });
    zoom.server.faults.clear();
    for (const entry of hook.received) expect(signedBy(entry, SECRET)).toBe(true);
    expect(hook.received.filter((r) => r.body.type === 'aggregate.changed').map((r) => r.body.data.status).slice(-2)).toEqual(['online', 'busy']);
    const metrics = await service.call('GET', '/metrics', { token: null });
    expect(metrics.text).toMatch(/presence_outbound_events_total\{outcome="delivered",type="aggregate.changed"\} [1-9]/);
  });

  it('loses nothing across a restart: queued and in-flight deliveries go out, in order, after the next start', async () => {
    // Deliver first what an earlier service left queued in this folder (its shutdown's platform changes), so the
    // hanging delivery below is ann's first change.
    hook.set(() => ({ status: 204, body: '' }));
    service = await boot();
    const drained = service;
    await eventually(async () => (await storeOf(drained).outbound.count()) === 0, 10_000);
    hook.set(hang);
    const events = service.app.get(PresenceEvents);
    events.emit('aggregate.changed', { userId: 'ann', status: 'online', previousStatus: null, available: true, decidedBy: 'slack', policy: 'highest-priority' });
    events.emit('aggregate.changed', { userId: 'ann', status: 'away', previousStatus: 'online', available: false, decidedBy: 'slack', policy: 'highest-priority' });
    const anns = () => hook.received.filter((r) => r.body.data.userId === 'ann');
    await eventually(() => anns().length === 1);
    // Emitted right before the shutdown: still in the write buffer when close() starts.
    events.emit('aggregate.changed', { userId: 'ann', status: 'busy', previousStatus: 'away', available: false, decidedBy: 'teams', policy: 'highest-priority' });
    await service.close();
    service = undefined;
    const firstId = anns()[0].body.id;

    hook.set(() => ({ status: 204, body: '' }));
    service = await boot();
    await eventually(() => anns().length === 4, 10_000);
    expect(anns().map((r) => r.body.data.status)).toEqual(['online', 'online', 'away', 'busy']);
    expect(anns()[1].body.id).toBe(firstId);
    const restarted = service;
    await eventually(async () => (await storeOf(restarted).outbound.count()) === 0);
  });

  it("drops an erased person's queued deliveries at once and keeps delivering everyone else's", async () => {
    hook.set(hang);
    service = await boot();
    const events = service.app.get(PresenceEvents);
    events.emit('aggregate.changed', { userId: 'erin', status: 'online', previousStatus: null, available: true, decidedBy: 'slack', policy: 'highest-priority' });
    events.emit('aggregate.changed', { userId: 'erin', status: 'away', previousStatus: 'online', available: false, decidedBy: 'slack', policy: 'highest-priority' });
    await eventually(() => hook.received.length === 1);
    expect((await service.call('DELETE', '/v1/users/erin')).status).toBe(204);
    expect((await storeOf(service).outbound.heads(10)).map((head) => head.userId)).toEqual([]);
    hook.set(() => ({ status: 200, body: {} }));
    events.emit('aggregate.changed', { userId: 'fred', status: 'online', previousStatus: null, available: true, decidedBy: 'zoom', policy: 'highest-priority' });
    await eventually(() => hook.received.some((r) => r.body.data.userId === 'fred'));
    expect(hook.received.filter((r) => r.body.data.userId === 'erin')).toHaveLength(1);
    await service.close();
    service = undefined;
    // Nothing of erin is left to send after a restart either.
    service = await boot();
    expect(await storeOf(service).outbound.count()).toBe(0);
    expect(await storeOf(service).outbound.count('dropped')).toBe(0);
    expect(hook.received.filter((r) => r.body.data.userId === 'erin')).toHaveLength(1);
  });
});
