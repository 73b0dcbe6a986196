import { serveWebhook, type WebhookReceiver } from '@amo/presence-adapter-kit/testing';
import { WhatsAppEmulator } from '@amo/presence-adapter-whatsapp/testing';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import type { RedisLink } from '@amo/presence-cluster';
import { DataSource } from 'typeorm';
import { emulatorEnv, eventually, type RunningService, StreamClient } from '../e2e/harness.spec-helper';
import { ClusterPlace, POSTGRES_URL } from './cluster-place.spec-helper';
const HOUR_MS = 3_600_000;

/**
 * What time alone changes, in a cluster: every instance holds every person's aggregate and finds a record going
 * stale on its own, so what follows from it outside the instance happens once, on the timekeeper: the outbound
 * event, and pattern time (the store adds the time it is given; the timekeeper counts the changes the others made
 * as well as its own). Two instances in one Jest process on one service clock, which the test moves.
 */
describe('cluster timekeeper: a change time made goes out once; an hour online is one hour in the store', () => {
  const place = new ClusterPlace('timekeeper');
  const { schema } = place;
  let nowMs = Date.now();
  let zoom: ZoomEmulator;
  let whatsapp: WhatsAppEmulator;
  let a: RunningService | undefined;
  let b: RunningService | undefined;
  let link: RedisLink;
  let hook: WebhookReceiver;
  const events: { type: string; data: { userId: string; status: string } }[] = [];

  beforeAll(async () => {
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-pat', status: 'Available' }] });
    whatsapp = await WhatsAppEmulator.start();
    const wa = whatsapp.credentials();
    hook = await serveWebhook((request) => {
      events.push(JSON.parse(request.rawBody.toString('utf8')));
      return { status: 200, body: { ok: true } };
    }, '/amo/events');
    const env = (id: string): Record<string, string> => ({
      ...place.env(id),
      PRESENCE_ENCRYPTION_KEY: Buffer.alloc(32, 23).toString('base64'),
      PRESENCE_POLL_INTERVAL: '1',
      WHATSAPP_API_KEY: wa.api_key,
      WHATSAPP_PHONE_NUMBER_ID: wa.phone_number_id,
      WHATSAPP_APP_SECRET: wa.app_secret,
      WHATSAPP_VERIFY_TOKEN: wa.verify_token,
      WHATSAPP_GRAPH_BASE_URL: whatsapp.graphBaseUrl,
      PRESENCE_EVENTS_WEBHOOK_URL: hook.url,
      PRESENCE_EVENTS_WEBHOOK_SECRET: 'e2e-timekeeper-secret-0123456789',
      ...emulatorEnv.zoom(zoom),
    });
    const clock = { now: () => nowMs };
    ({ a, b, link } = await place.startPair(env, { clock }));
  }, 120_000);

  afterAll(async () => {
    await place.close();
    await zoom?.close();
    await whatsapp?.close();
    await hook?.close();
  });

  it('sends a change that time alone made (a signal aging past its window) once, not once per instance', async () => {
    const [first, second] = [a as RunningService, b as RunningService];
    await eventually(async () => (await link.commands.get(link.key('lease', 'timekeeper'))) !== null, 10_000);
    expect((await first.call('PUT', '/v1/users/tim/identities', { body: { whatsapp: '16505550077' } })).status).toBe(200);
    const signal = JSON.stringify(whatsapp.webhooks.messagePayload({ from: '16505550077', text: 'on my way' }));
    expect((await whatsapp.webhooks.deliver(`${first.url}/v1/webhooks/whatsapp`, signal)).status).toBe(200);
    for (const service of [first, second]) await eventually(async () => (await service.call('GET', '/v1/presence/tim')).body?.status === 'online', 15_000);
    // A stream client on each instance hears that instance's own announcements (time-driven ones are not fanned out).
    const streams = await Promise.all([first, second].map((service) => StreamClient.open(service.wsUrl)));
    try {
      for (const stream of streams) await stream.subscribe(['tim']);
      // Past the 5-minute recency window the signal says away: each instance's own re-evaluation finds that.
      nowMs += 6 * 60_000;
      for (const stream of streams) await stream.next((m) => m.type === 'aggregate' && m.userId === 'tim' && m.status === 'away', 15_000);
    } finally {
      for (const stream of streams) stream.close();
    }
    const aged = (): number => events.filter((event) => event.type === 'aggregate.changed' && event.data.userId === 'tim' && event.data.status === 'away').length;
    await eventually(() => aged() > 0, 15_000);
    // Both instances have announced it, and whatever either queued is sent: the receiver heard it once.
    const reader = new DataSource({ type: 'postgres', url: POSTGRES_URL, poolSize: 1 });
    await reader.initialize();
    try {
      const pending = async (): Promise<number> => Number((await reader.query(`SELECT COUNT(*) AS n FROM "${schema}".outbound_event WHERE state = 'pending'`))[0].n);
      await eventually(async () => (await pending()) === 0, 10_000);
    } finally {
      await reader.destroy();
    }
    expect(aged()).toBe(1);
  });

  it('counts an hour online once, though both instances hold the person and either may have polled each change', async () => {
    const [first, second] = [a as RunningService, b as RunningService];
    // One instance counts: it holds the lease before anyone is linked.
    await eventually(async () => (await link.commands.get(link.key('lease', 'timekeeper'))) !== null, 10_000);
    expect((await first.call('PUT', '/v1/users/pat/preferences', { body: { consent: true, patternsOptIn: true } })).status).toBe(200);
    expect((await first.call('PUT', '/v1/users/pat/identities', { body: { zoom: 'zoom-pat' } })).status).toBe(200);
    for (const service of [first, second]) await eventually(async () => (await service.call('GET', '/v1/presence/pat')).body?.status === 'online', 15_000);

    nowMs += HOUR_MS;
    await zoom.changeStatus('zoom-pat', 'Offline');
    for (const service of [first, second]) await eventually(async () => (await service.call('GET', '/v1/presence/pat')).body?.status === 'offline', 15_000);
    const rows = await eventually(async () => {
      const pattern = (await second.call('GET', '/v1/users/pat/export')).body?.availabilityPattern ?? [];
      return pattern.length > 0 ? pattern : undefined;
    }, 10_000);
    const sum = (list: { availableSeconds: number; observedSeconds: number }[], field: 'availableSeconds' | 'observedSeconds'): number =>
      list.reduce((total, row) => total + row[field], 0);
    expect([sum(rows, 'availableSeconds'), sum(rows, 'observedSeconds')]).toEqual([3600, 3600]);

    // Both stop (each closes what it holds open and flushes): still one hour, not one per instance.
    await first.close();
    await second.close();
    [a, b] = [undefined, undefined];
    const reader = new DataSource({ type: 'postgres', url: POSTGRES_URL, poolSize: 1 });
    await reader.initialize();
    try {
      const [totals] = await reader.query(
        `SELECT SUM(available_seconds) AS available, SUM(observed_seconds) AS observed FROM "${schema}".availability_time WHERE user_id = 'pat'`,
      );
      expect([Number(totals.available), Number(totals.observed)]).toEqual([3600, 3600]);
    } finally {
      await reader.destroy();
    }
  }, 90_000);
});
