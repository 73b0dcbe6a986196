import { timersOf } from '@amo/presence-adapter-kit';
import { eventually, serveWebhook, type ReceivedWebhook, type WebhookAnswer, type WebhookReceiver } from '@amo/presence-adapter-kit/testing';
import { openStore, type PresenceStore } from '@amo/presence-store';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliveryWorker, type DeliveryOutcome } from './delivery-worker';
import { eventSender } from './event-sender';
import { verifyEventSignature } from './event-signature';
import { aggregateChangedEvent, platformChangedEvent } from './outbound-event';

const T0 = Date.UTC(2026, 2, 3, 9, 0, 0);
const SECRET = 'outbound-test-secret-0123456789';
const BACKOFF = { baseMs: 1_000, maxMs: 60_000 };

type Handler = (request: ReceivedWebhook) => WebhookAnswer | Promise<WebhookAnswer>;

describe('DeliveryWorker against a receiver on loopback', () => {
  let dir: string;
  let store: PresenceStore;
  let receiver: WebhookReceiver;
  let handle: Handler;
  let received: { body: any; headers: ReceivedWebhook['headers']; at: number }[];
  let outcomes: { id: string; outcome: DeliveryOutcome; attempts: number; error?: string }[];
  let worker: DeliveryWorker | undefined;

  const ok: WebhookAnswer = { status: 204, body: '' };
  const step = (): Promise<void> => jest.advanceTimersByTimeAsync(0);
  const wait = <T>(check: () => T, what: string) => eventually(check, { what, beforeStep: step, timeoutMs: 5_000 });

  function startWorker(maxAttempts = 8, timeoutMs = 10_000): DeliveryWorker {
    worker = new DeliveryWorker({
      queue: store.outbound,
      send: eventSender({ url: receiver.url, secret: SECRET, timeoutMs, now: () => Date.now() }),
      maxAttempts,
      backoff: BACKOFF,
      concurrency: 4,
      timers: timersOf(),
      // The ceiling every time: the test knows exactly when each retry is due.
      random: () => 0.999_999,
      onAttempt: (event, outcome, attempts, error) => outcomes.push({ id: event.eventId, outcome, attempts, error }),
    });
    worker.kick();
    return worker;
  }

  const change = (userId: string, status: 'online' | 'away' | 'busy' | 'offline', previousStatus: 'online' | 'away' | 'busy' | 'offline' | null = null) =>
    aggregateChangedEvent({ userId, status, previousStatus, available: status === 'online', decidedBy: 'slack', policy: 'highest-priority' }, Date.now());

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    dir = mkdtempSync(join(tmpdir(), 'outbound-'));
    store = await openStore({ database: { type: 'sqlite', path: join(dir, 'presence.db') }, clock: { now: () => Date.now() } });
    received = [];
    outcomes = [];
    handle = () => ok;
    receiver = await serveWebhook(async (request) => {
      received.push({ body: JSON.parse(request.rawBody.toString('utf8')), headers: request.headers, at: Date.now() });
      return handle(request);
    }, '/presence-events');
  });

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await receiver.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    jest.useRealTimers();
  });

  it('POSTs the event JSON signed with HMAC-SHA256 over timestamp.body', async () => {
    let raw = '';
    handle = (request) => ((raw = request.rawBody.toString('utf8')), ok);
    const event = change('ann', 'online', 'away');
    await store.outbound.enqueue([event]);
    startWorker();
    await wait(() => outcomes.length === 1, 'the delivery');

    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    expect(raw).toBe(event.body);
    expect(body).toEqual({
      id: event.eventId,
      type: 'aggregate.changed',
      at: new Date(T0).toISOString(),
      data: { userId: 'ann', status: 'online', previousStatus: 'away', available: true, decidedBy: 'slack', policy: 'highest-priority' },
    });
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-presence-timestamp']).toBe(String(T0 / 1000));
    const expected = createHmac('sha256', SECRET).update(`${T0 / 1000}.${raw}`).digest('hex');
    expect(headers['x-presence-signature']).toBe(`v1=${expected}`);
    const signed = { signature: String(headers['x-presence-signature']), timestamp: String(headers['x-presence-timestamp']) };
    expect(verifyEventSignature(SECRET, signed, raw, Date.now())).toBe(true);
    expect(verifyEventSignature('another-secret-0123456789', signed, raw, Date.now())).toBe(false);
    expect(verifyEventSignature(SECRET, signed, raw.replace('online', 'busy'), Date.now())).toBe(false);
    expect(verifyEventSignature(SECRET, signed, raw, Date.now() + 301_000)).toBe(false);
    expect(outcomes).toEqual([{ id: event.eventId, outcome: 'delivered', attempts: 1 }]);
    expect(await store.outbound.count()).toBe(0);
  });

  it('retries a 500 after the full-jitter backoff, re-signed with the time of each attempt', async () => {
    let failures = 2;
    handle = () => (failures-- > 0 ? { status: 500, body: { error: 'down' } } : ok);
    const event = change('ann', 'busy');
    await store.outbound.enqueue([event]);
    startWorker();
    await wait(() => outcomes.length === 1, 'the first attempt');
    expect(outcomes[0]).toMatchObject({ outcome: 'retried', attempts: 1, error: 'HTTP 500' });

    // Ceiling of the first retry: 1 s. Nothing before it.
    await jest.advanceTimersByTimeAsync(990);
    expect(received).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(10);
    await wait(() => outcomes.length === 2, 'the second attempt');
    expect(outcomes[1]).toMatchObject({ outcome: 'retried', attempts: 2 });
    // Second retry: 2 s.
    await jest.advanceTimersByTimeAsync(1_990);
    expect(received).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(10);
    await wait(() => outcomes.length === 3, 'the third attempt');
    expect(outcomes[2]).toMatchObject({ outcome: 'delivered', attempts: 3 });
    expect(received.map((r) => r.body.id)).toEqual([event.eventId, event.eventId, event.eventId]);
    const stamps = received.map((r) => Number(r.headers['x-presence-timestamp']));
    expect(stamps).toEqual(received.map((r) => Math.floor(r.at / 1000)));
    expect(stamps[2] - stamps[0]).toBeGreaterThanOrEqual(2);
  });

  it('counts a receiver that does not answer within the timeout as a failed attempt, and retries', async () => {
    let hang = true;
    handle = () => (hang ? new Promise<WebhookAnswer>(() => undefined) : ok);
    const event = platformChangedEvent({ platform: 'slack', state: 'down', breaker: 'open', lastError: null }, Date.now());
    await store.outbound.enqueue([event]);
    startWorker(8, 5_000);
    await wait(() => received.length === 1, 'the first attempt');
    await jest.advanceTimersByTimeAsync(4_999);
    expect(outcomes).toEqual([]);
    hang = false;
    await jest.advanceTimersByTimeAsync(1);
    await wait(() => outcomes.length === 1, 'the timeout');
    expect(outcomes[0]).toMatchObject({ outcome: 'retried', attempts: 1, error: 'no answer within 5000 ms' });
    await jest.advanceTimersByTimeAsync(1_000);
    await wait(() => outcomes.length === 2, 'the retry');
    expect(outcomes[1]).toMatchObject({ outcome: 'delivered', attempts: 2 });
  });

  it('drops an event after the last attempt, keeps it as a record, and goes on with the next one', async () => {
    handle = (request) => (JSON.parse(request.rawBody.toString()).data.status === 'busy' ? { status: 503, body: '' } : ok);
    const doomed = change('ann', 'busy');
    const next = change('ann', 'online', 'busy');
    await store.outbound.enqueue([doomed, next]);
    startWorker(3);
    await wait(() => outcomes.length === 1, 'attempt 1');
    await jest.advanceTimersByTimeAsync(1_000);
    await wait(() => outcomes.length === 2, 'attempt 2');
    await jest.advanceTimersByTimeAsync(2_000);
    await wait(() => outcomes.length === 4, 'attempt 3 and the next event');
    expect(outcomes.map((o) => [o.id === doomed.eventId ? 'doomed' : 'next', o.outcome, o.attempts])).toEqual([
      ['doomed', 'retried', 1],
      ['doomed', 'retried', 2],
      ['doomed', 'dropped', 3],
      ['next', 'delivered', 1],
    ]);
    const dropped = await store.outbound.dropped();
    expect(dropped.items).toEqual([expect.objectContaining({ eventId: doomed.eventId, state: 'dropped', attempts: 3, lastError: 'HTTP 503' })]);
  });

  it("delivers each person's events in order; a person whose receiver call fails does not hold up the others", async () => {
    let annFailures = 1;
    handle = (request) => {
      const body = JSON.parse(request.rawBody.toString());
      return body.data.userId === 'ann' && annFailures-- > 0 ? { status: 500, body: '' } : ok;
    };
    const ann = [change('ann', 'online'), change('ann', 'away', 'online'), change('ann', 'busy', 'away')];
    const bob = [change('bob', 'online'), change('bob', 'offline', 'online')];
    await store.outbound.enqueue([ann[0], bob[0], ann[1], bob[1], ann[2]]);
    startWorker();
    await wait(() => received.filter((r) => r.body.data.userId === 'bob').length === 2, "bob's events");
    // Ann's first attempt failed: her later events wait behind it.
    expect(received.filter((r) => r.body.data.userId === 'ann').map((r) => r.body.id)).toEqual([ann[0].eventId]);
    await jest.advanceTimersByTimeAsync(1_000);
    await wait(() => outcomes.filter((o) => o.outcome === 'delivered').length === 5, 'everything');
    const annDelivered = received.filter((r) => r.body.data.userId === 'ann').map((r) => r.body.id);
    expect(annDelivered).toEqual([ann[0].eventId, ann[0].eventId, ann[1].eventId, ann[2].eventId]);
    expect(received.filter((r) => r.body.data.userId === 'bob').map((r) => r.body.id)).toEqual(bob.map((e) => e.eventId));
  });

  it('stops a held key at once: the attempt in flight is aborted and not counted, nothing more is sent', async () => {
    handle = () => new Promise<WebhookAnswer>(() => undefined);
    await store.outbound.enqueue([change('ann', 'online'), change('ann', 'away', 'online')]);
    const running = startWorker();
    await wait(() => received.length === 1, 'the first attempt');
    const release = running.hold('person:ann');
    await store.outbound.forget(['ann']);
    release();
    await jest.advanceTimersByTimeAsync(60_000);
    await step();
    expect(received).toHaveLength(1);
    expect(outcomes).toEqual([]);
    expect(await store.outbound.count()).toBe(0);
  });
});
