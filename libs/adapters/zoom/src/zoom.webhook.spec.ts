import type { Clock, PlatformPresence } from '@amo/presence-core';
import { EmulatorServer } from '@amo/presence-adapter-kit/testing';
import { ZoomEmulator } from './testing';
import { handleZoomWebhook, type ZoomWebhookRequest } from './zoom.webhook';

const SECRET = 'whsec-test';
const NOW = Date.parse('2026-03-02T10:00:00Z');

/** A real endpoint the emulator posts to: what the service's controller does, minus Nest. */
async function startReceiver(clock: Clock) {
  const server = await EmulatorServer.start();
  const received: PlatformPresence[] = [];
  const reasons: string[] = [];
  server.route('POST', '/webhooks/zoom', (req) => {
    const result = handleZoomWebhook({ headers: req.headers, rawBody: req.rawBody, method: req.method }, { secretToken: SECRET }, clock);
    received.push(...result.records);
    if (result.reason) reasons.push(result.reason);
    return { status: result.status, json: result.body };
  });
  return { server, received, reasons, url: `${server.url}/webhooks/zoom` };
}

describe('handleZoomWebhook over HTTP', () => {
  const clock = { now: () => NOW };
  let zoom: ZoomEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeEach(async () => {
    zoom = await ZoomEmulator.start({
      webhookSecretToken: SECRET,
      clock,
      users: [{ id: 'KdYKjnimT4KPd8FFgQt9FQ', email: 'ada@example.com', status: 'Available' }],
    });
    receiver = await startReceiver(clock);
    zoom.webhookUrl = receiver.url;
  });

  afterEach(async () => {
    await Promise.all([zoom.close(), receiver.server.close()]);
  });

  it('answers the URL validation challenge', async () => {
    const answer = await zoom.webhooks.validateUrl(receiver.url);
    expect(answer.ok).toBe(true);
    expect(receiver.received).toEqual([]);
  });

  it('turns a signed presence event into records for the user id and the email', async () => {
    const answer = await zoom.changeStatus('KdYKjnimT4KPd8FFgQt9FQ', 'In_A_Zoom_Meeting');
    expect(answer?.status).toBe(200);
    expect(receiver.received).toEqual([
      expect.objectContaining({ accountId: 'KdYKjnimT4KPd8FFgQt9FQ', status: 'busy', activity: 'In a Zoom meeting' }),
      expect.objectContaining({ accountId: 'ada@example.com', status: 'busy', rawStatus: 'In_A_Zoom_Meeting' }),
    ]);
    expect(receiver.received[0].observedAt).toEqual(new Date(NOW));
  });

  it('rejects a mis-signed event and changes nothing', async () => {
    const answer = await zoom.changeStatus('KdYKjnimT4KPd8FFgQt9FQ', 'Offline', {}, { misSign: true });
    expect(answer?.status).toBe(401);
    expect(receiver.received).toEqual([]);
    expect(receiver.reasons).toEqual(['invalid signature']);
  });

  it('rejects a replayed event older than the window, even when correctly signed', async () => {
    const answer = await zoom.webhooks.sendPresence(
      receiver.url,
      { userId: 'KdYKjnimT4KPd8FFgQt9FQ', status: 'Away' },
      { timestampSec: NOW / 1000 - 301 },
    );
    expect(answer.status).toBe(401);
    expect(receiver.received).toEqual([]);
    expect(receiver.reasons).toEqual(['timestamp outside the replay window']);
    const fresh = await zoom.webhooks.sendPresence(
      receiver.url,
      { userId: 'KdYKjnimT4KPd8FFgQt9FQ', status: 'Away' },
      { timestampSec: NOW / 1000 - 299 },
    );
    expect(fresh.status).toBe(200);
  });

  it('refuses a URL validation that is not signed with our secret', async () => {
    const answer = await zoom.webhooks.validateUrl(receiver.url, { misSign: true });
    expect(answer.ok).toBe(false);
    expect(answer.status).toBe(401);
  });

  it('plays scripted changes as deliveries', async () => {
    zoom.scriptChanges([
      { id: 'KdYKjnimT4KPd8FFgQt9FQ', status: 'Away' },
      { id: 'KdYKjnimT4KPd8FFgQt9FQ', status: 'Do_Not_Disturb' },
    ]);
    expect(await zoom.advance()).toBe(true);
    expect(await zoom.advance()).toBe(true);
    expect(await zoom.advance()).toBe(false);
    expect(receiver.received.filter((r) => r.accountId === 'KdYKjnimT4KPd8FFgQt9FQ').map((r) => r.status)).toEqual([
      'away',
      'busy',
    ]);
  });
});

describe('handleZoomWebhook as a pure function', () => {
  const clock = { now: () => NOW };
  let zoom: ZoomEmulator;
  beforeAll(async () => {
    zoom = await ZoomEmulator.start({ webhookSecretToken: SECRET, clock });
  });
  afterAll(() => zoom.close());

  const handle = (request: ZoomWebhookRequest) => handleZoomWebhook(request, { secretToken: SECRET }, clock);

  it('accepts a Buffer body and a Headers object', () => {
    const delivery = zoom.webhooks.sign(zoom.webhooks.presenceEvent({ userId: 'u1', status: 'Busy' }));
    const result = handle({ headers: new Headers(delivery.headers), rawBody: Buffer.from(delivery.rawBody) });
    expect(result.status).toBe(200);
    expect(result.records).toEqual([expect.objectContaining({ accountId: 'u1', status: 'busy', unrecognized: false })]);
  });

  it('verifies the raw body: a re-serialised body does not pass', () => {
    const delivery = zoom.webhooks.sign(zoom.webhooks.presenceEvent({ userId: 'u1', status: 'Busy' }));
    const reformatted = JSON.stringify(JSON.parse(delivery.rawBody), null, 2);
    expect(handle({ headers: delivery.headers, rawBody: reformatted }).status).toBe(401);
  });

  it('refuses unsigned deliveries, other methods, garbage and incomplete events', () => {
    const event = zoom.webhooks.presenceEvent({ userId: 'u1', status: 'Busy' });
    expect(handle({ ...zoom.webhooks.sign(event, { unsigned: true }) }).status).toBe(401);
    expect(handle({ ...zoom.webhooks.sign(event), method: 'GET' }).status).toBe(405);
    expect(handle(zoom.webhooks.sign('not an event')).status).toBe(400);
    const incomplete = { event: 'user.presence_status_updated', payload: { object: { id: 'u1' } } };
    expect(handle(zoom.webhooks.sign(incomplete)).status).toBe(400);
    expect(handle(zoom.webhooks.sign({ event: 'endpoint.url_validation', payload: {} })).status).toBe(400);
    const unparseable = zoom.webhooks.sign({ a: 1 });
    expect(handle({ headers: unparseable.headers, rawBody: '{"event": ' }).status).toBe(401);
  });

  it('acknowledges other events without records', () => {
    const result = handle(zoom.webhooks.sign({ event: 'meeting.started', payload: { object: { id: 1 } } }));
    expect(result).toMatchObject({ status: 200, records: [], reason: 'ignored meeting.started' });
  });

  it('keeps unknown statuses as unknown and flags them', () => {
    const result = handle(zoom.webhooks.sign(zoom.webhooks.presenceEvent({ userId: 'u1', status: 'Mystery' })));
    expect(result.records[0]).toMatchObject({ status: 'unknown', unrecognized: true, rawStatus: 'Mystery' });
  });

  it('uses date_time (to the end of its second, never after now) as the observation time and falls back to event_ts', () => {
    const changed = new Date(NOW - 5000);
    const result = handle(zoom.webhooks.sign(zoom.webhooks.presenceEvent({ userId: 'u1', status: 'Away', dateTime: changed })));
    expect(result.records[0].observedAt).toEqual(new Date(NOW - 5000 + 999));
    // A change in the current second counts as now: newer than a poll read earlier in the same second.
    const current = handle(zoom.webhooks.sign(zoom.webhooks.presenceEvent({ userId: 'u1', status: 'Busy', dateTime: new Date(NOW) })));
    expect(current.records[0].observedAt).toEqual(new Date(NOW));
    const noDate = { event: 'user.presence_status_updated', event_ts: NOW - 7000, payload: { object: { id: 'u1', presence_status: 'Away' } } };
    expect(handle(zoom.webhooks.sign(noDate)).records[0].observedAt).toEqual(new Date(NOW - 7000));
  });

  it('honours a custom replay window', () => {
    const delivery = zoom.webhooks.sign(zoom.webhooks.presenceEvent({ userId: 'u1', status: 'Away' }), {
      timestampSec: NOW / 1000 - 60,
    });
    expect(handleZoomWebhook(delivery, { secretToken: SECRET, toleranceSec: 30 }, clock).status).toBe(401);
    expect(handleZoomWebhook(delivery, { secretToken: SECRET, toleranceSec: 90 }, clock).status).toBe(200);
  });
});
