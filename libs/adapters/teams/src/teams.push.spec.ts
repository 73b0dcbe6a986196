import { X509Certificate } from 'node:crypto';
import { StaticTokenProvider } from '@amo/presence-adapter-kit';
import type { ConnectionState, PlatformPresence } from '@amo/presence-core';
import { eventually } from '@amo/presence-adapter-kit/testing';
import { ManualClock } from './__fixtures__/manual-clock';
import { createTeamsAdapter, type TeamsAdapter } from './teams.adapter';
import type { TeamsPushConfig } from './teams.config';
import type { SavedTeamsSubscription } from './teams.subscriptions';
import { encryptForCertificate, GraphEmulator, graphTestEncryption, GRAPH_TEST_CERTIFICATE_ID, GRAPH_TEST_CERTIFICATE_PEM, TeamsWebhookReceiver } from './testing';

const MINUTE = 60_000;

describe('TeamsAdapter push: Graph presence subscriptions', () => {
  let clock: ManualClock;
  let emulator: GraphEmulator;
  let receiver: TeamsWebhookReceiver;
  let adapter: TeamsAdapter | undefined;
  let pushed: PlatformPresence[];
  let states: ConnectionState[];
  let saved: SavedTeamsSubscription[];
  const sink = { presence: (record: PlatformPresence) => pushed.push(record), connection: (state: ConnectionState) => states.push(state) };

  beforeEach(async () => {
    clock = new ManualClock();
    emulator = await GraphEmulator.start({ clock });
    receiver = await TeamsWebhookReceiver.start((request) => {
      if (!adapter) throw new Error('no adapter yet');
      return adapter.handleWebhook(request);
    });
    pushed = [];
    states = [];
    saved = [];
  });

  afterEach(async () => {
    await adapter?.close();
    adapter = undefined;
    await emulator.close();
    await receiver.close();
  });

  function build(push: Partial<TeamsPushConfig> = {}): TeamsAdapter {
    const token = emulator.issueDelegatedToken({ lifetimeSec: 24 * 3600 }).accessToken;
    adapter = createTeamsAdapter(
      {
        credentials: emulator.credentials(),
        maxRetries: 0,
        push: { delegatedAuth: new StaticTokenProvider(token), publicUrl: receiver.publicUrl, encryption: graphTestEncryption(), onSubscriptionsChanged: (subs) => (saved = subs), ...push },
      },
      { clock },
    );
    return adapter;
  }

  async function subscribe(ids: string[], push: Partial<TeamsPushConfig> = {}): Promise<TeamsAdapter> {
    const built = build(push);
    built.setTrackedIds(ids);
    await built.startPush?.(sink);
    return built;
  }

  const batchCalls = () => emulator.presenceBatchRequests().length;

  it('holds one subscription (Graph allows one per signed-in user per app) on the first 650 tracked ids and polls the rest', async () => {
    const ids = emulator.addUsers(700);
    const built = await subscribe(ids);
    const subs = emulator.subscriptions();
    expect(subs.map((sub) => sub.userIds.size)).toEqual([650]);
    expect(subs[0].notificationUrl).toBe(`${receiver.publicUrl}/v1/webhooks/teams`);
    expect(subs[0].clientState).toEqual(expect.any(String));
    expect(emulator.deliveries.filter((d) => d.kind === 'validation').map((d) => d.status)).toEqual([200]);
    expect(saved.map((s) => s.id)).toEqual(subs.map((s) => s.id));
    expect(built.capabilities).toMatchObject({ push: true, freshness: 'poll' });
    expect(built.health()).toMatchObject({ coverage: { pushed: 650, polled: 50 } });
    expect(built.health().lastError).toBeUndefined();
    expect(states.at(-1)).toBe('up');
    // After one read of everyone, a sweep costs one call: the 50 beyond the subscription.
    await built.fetchPresence(ids);
    const calls = batchCalls();
    const sweep = await built.fetchPresence(ids);
    expect(sweep.records).toHaveLength(700);
    expect(emulator.presenceBatchRequests().slice(calls).map((req) => (req.body as { ids: string[] }).ids.length)).toEqual([50]);
  });

  it('replaces the subscription when people are added: deletes the old one, then creates one on all of them, never two', async () => {
    const ids = emulator.addUsers(5);
    const built = await subscribe(ids.slice(0, 3));
    const [before] = emulator.subscriptions();
    built.setTrackedIds(ids);
    await eventually(() => emulator.subscriptions().length === 1 && emulator.subscriptions()[0].id !== before.id);
    const [after] = emulator.subscriptions();
    expect([...after.userIds].sort()).toEqual(ids.map((id) => id.toLowerCase()).sort());
    const calls = emulator.server.requests.filter((req) => req.path.startsWith('/v1.0/subscriptions')).map((req) => req.method);
    expect(calls).toEqual(['POST', 'DELETE', 'POST']);
    await eventually(() => built.health().coverage?.pushed === 5);
    expect(built.health()).toMatchObject({ coverage: { pushed: 5, polled: 0 } });
    expect(built.health().lastError).toBeUndefined();
    expect(saved.map((s) => s.id)).toEqual([after.id]);
    // The held state predates the new subscription: the first read after the replacement goes to Graph.
    const before2 = batchCalls();
    await built.fetchPresence(ids);
    expect(batchCalls()).toBe(before2 + 1);
    emulator.setPresence(ids[4], { availability: 'Away', activity: 'Away' });
    await emulator.flushDeliveries();
    await eventually(() => pushed.some((record) => record.accountId === ids[4] && record.status === 'away'));
  });

  it('deletes a presence subscription it no longer knows (state lost) when Graph answers 409, then subscribes', async () => {
    const ids = emulator.addUsers(2);
    const token = emulator.issueDelegatedToken({ lifetimeSec: 24 * 3600 }).accessToken;
    const built = build({ delegatedAuth: new StaticTokenProvider(token) });
    const stray = await fetch(`${emulator.url}/v1.0/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ changeType: 'updated', resource: `/communications/presences?$filter=id in ('${ids[0]}')`, notificationUrl: `${receiver.publicUrl}/v1/webhooks/teams`, expirationDateTime: new Date(clock.now() + 30 * MINUTE).toISOString(), clientState: 'lost' }),
    });
    expect(stray.status).toBe(201);
    const strayId = ((await stray.json()) as { id: string }).id;
    built.setTrackedIds(ids);
    await built.startPush?.(sink);
    const subs = emulator.subscriptions();
    expect(subs).toHaveLength(1);
    expect(subs[0].id).not.toBe(strayId);
    expect(subs[0].userIds.size).toBe(2);
    expect(built.health()).toMatchObject({ coverage: { pushed: 2, polled: 0 } });
  });

  it('stopPush deletes the subscription, stops renewing and delivers nothing more; startPush subscribes again', async () => {
    const [alice] = emulator.addUsers(1);
    const built = await subscribe([alice]);
    expect(emulator.subscriptions()).toHaveLength(1);
    await built.stopPush?.();
    expect(emulator.subscriptions()).toEqual([]);
    expect(saved).toEqual([]);
    expect(clock.pending()).toBe(0);
    expect(built.health()).toMatchObject({ coverage: { pushed: 0, polled: 1 } });
    const statesAtStop = states.length;
    emulator.setPresence(alice, { availability: 'Busy', activity: 'InACall' });
    await emulator.flushDeliveries();
    await clock.advance(70 * MINUTE);
    expect(emulator.server.requestsTo('/v1.0/subscriptions/:id', 'PATCH')).toHaveLength(0);
    expect(emulator.server.requestsTo('/v1.0/subscriptions', 'POST')).toHaveLength(1);
    expect(pushed).toEqual([]);
    expect(states).toHaveLength(statesAtStop);
    // Polling still works while push is stopped.
    expect((await built.fetchPresence([alice])).records[0]).toMatchObject({ status: 'busy' });
    await built.startPush?.(sink);
    expect(emulator.subscriptions()).toHaveLength(1);
    emulator.setPresence(alice, { availability: 'Away', activity: 'Away' });
    await emulator.flushDeliveries();
    await eventually(() => pushed.some((record) => record.status === 'away'));
  });

  it('stamps one sequence scope per adapter run on polled and pushed records alike', async () => {
    const [alice] = emulator.addUsers(1);
    const built = await subscribe([alice]);
    const polled = (await built.fetchPresence([alice])).records[0];
    emulator.setPresence(alice, { availability: 'Busy', activity: 'InAMeeting' });
    await emulator.flushDeliveries();
    await eventually(() => pushed.length === 1);
    expect(polled.sequenceScope).toEqual(expect.stringMatching(/^teams:/));
    expect(pushed[0].sequenceScope).toBe(polled.sequenceScope);
    const other = createTeamsAdapter({ credentials: emulator.credentials() }, { clock });
    const again = (await other.fetchPresence([alice])).records[0];
    await other.close();
    expect(again.sequenceScope).toEqual(expect.stringMatching(/^teams:/));
    expect(again.sequenceScope).not.toBe(polled.sequenceScope);
  });

  it('pushes rich notifications and answers covered ids from subscription-held state without a call', async () => {
    const ids = emulator.addUsers(3);
    const built = await subscribe(ids);
    await built.fetchPresence(ids);
    const calls = batchCalls();
    emulator.setPresence(ids[1], { availability: 'Busy', activity: 'InAMeeting', statusMessage: '<p>Board <i>meeting</i></p>', statusMessageType: 'html' });
    await emulator.flushDeliveries();
    await eventually(() => pushed.length === 1);
    expect(pushed[0]).toMatchObject({ accountId: ids[1], status: 'busy', activity: 'In a meeting', customMessage: 'Board meeting' });
    const answer = await built.fetchPresence(ids);
    expect(batchCalls()).toBe(calls);
    expect(answer.records.find((r) => r.accountId === ids[1])).toMatchObject({ status: 'busy' });
  });

  it('re-reads the ids of basic notifications (no certificate configured)', async () => {
    const ids = emulator.addUsers(2);
    await subscribe(ids, { encryption: undefined });
    const calls = batchCalls();
    emulator.setPresence(ids[0], { availability: 'Away', activity: 'Away' });
    await emulator.flushDeliveries();
    await eventually(() => pushed.length === 1);
    expect(pushed[0]).toMatchObject({ accountId: ids[0], status: 'away' });
    expect(batchCalls()).toBe(calls + 1);
  });

  it('rejects a notification with a wrong clientState and changes nothing', async () => {
    const [alice] = emulator.addUsers(1);
    const built = await subscribe([alice]);
    const before = await built.fetchPresence([alice]);
    const sub = emulator.subscriptions()[0];
    const forged = encryptForCertificate({ id: alice, availability: 'Offline', activity: 'Offline', sequenceNumber: 'FFFFFFFFFFFFFFFF' }, new X509Certificate(GRAPH_TEST_CERTIFICATE_PEM), GRAPH_TEST_CERTIFICATE_ID);
    const response = await fetch(`${receiver.publicUrl}/v1/webhooks/teams`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: [{ subscriptionId: sub.id, clientState: 'guessed', changeType: 'updated', resource: `communications/presences/${alice}`, encryptedContent: forged }] }),
    });
    expect(response.status).toBe(403);
    expect(pushed).toEqual([]);
    const calls = batchCalls();
    expect((await built.fetchPresence([alice])).records[0]).toMatchObject({ status: 'online', sequence: before.records[0].sequence });
    expect(batchCalls()).toBe(calls);
  });

  it('drops a notification whose sequenceNumber is older than the state it holds', async () => {
    const [alice] = emulator.addUsers(1);
    const built = await subscribe([alice]);
    const old = emulator.presenceOf(alice)?.sequenceNumber ?? '';
    emulator.setPresence(alice, { availability: 'DoNotDisturb', activity: 'Presenting' });
    await emulator.flushDeliveries();
    await eventually(() => pushed.length === 1);
    const sub = emulator.subscriptions()[0];
    const stale = encryptForCertificate({ id: alice, availability: 'Available', activity: 'Available', sequenceNumber: old }, new X509Certificate(GRAPH_TEST_CERTIFICATE_PEM), GRAPH_TEST_CERTIFICATE_ID);
    const response = await fetch(`${receiver.publicUrl}/v1/webhooks/teams`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: [{ subscriptionId: sub.id, clientState: sub.clientState, changeType: 'updated', resource: `communications/presences/${alice}`, encryptedContent: stale }] }),
    });
    expect(response.status).toBe(202);
    await new Promise((resolve) => setImmediate(resolve));
    expect(pushed).toHaveLength(1);
    expect((await built.fetchPresence([alice])).records[0]).toMatchObject({ status: 'busy', activity: 'Presenting' });
  });

  it('renews each subscription before its 60-minute expiry, on fake time', async () => {
    const [alice] = emulator.addUsers(1);
    await subscribe([alice], { renewBeforeMs: 10 * MINUTE });
    const [sub] = emulator.subscriptions();
    const patches = () => emulator.server.requestsTo('/v1.0/subscriptions/:id', 'PATCH').length;
    expect(sub.expiresAt - clock.now()).toBe(59 * MINUTE);
    await clock.advance(48 * MINUTE);
    expect(patches()).toBe(0);
    await clock.advance(1 * MINUTE);
    await eventually(() => patches() === 1);
    // The adapter has taken the renewal in (and re-armed its timer) once it saved the new expiry.
    await eventually(() => Date.parse(saved[0]?.expirationDateTime) === clock.now() + 59 * MINUTE);
    expect(emulator.subscriptions()[0].expiresAt).toBe(clock.now() + 59 * MINUTE);
    await clock.advance(49 * MINUTE);
    await eventually(() => patches() === 2);
    await clock.advance(30 * MINUTE);
    expect(emulator.subscriptions().map((s) => s.id)).toEqual([sub.id]);
    expect(Date.parse(saved[0].expirationDateTime)).toBeGreaterThan(clock.now());
  });

  it('answers reauthorizationRequired by reauthorizing, after which notifications flow again', async () => {
    const [alice] = emulator.addUsers(1);
    await subscribe([alice]);
    const [sub] = emulator.subscriptions();
    expect(emulator.sendLifecycleEvent(sub.id, 'reauthorizationRequired')).toBe(true);
    await emulator.flushDeliveries();
    await eventually(() => emulator.server.requestsTo('/v1.0/subscriptions/:id/reauthorize', 'POST').length === 1);
    await eventually(() => !emulator.subscriptions()[0].reauthorizationRequired);
    emulator.setPresence(alice, { availability: 'BeRightBack', activity: 'BeRightBack' });
    await emulator.flushDeliveries();
    await eventually(() => pushed.some((record) => record.status === 'away'));
  });

  it('recreates a subscription Graph removed, and re-reads ids after missed notifications', async () => {
    const [alice] = emulator.addUsers(1);
    const built = await subscribe([alice]);
    const [first] = emulator.subscriptions();
    emulator.sendLifecycleEvent(first.id, 'subscriptionRemoved');
    await emulator.flushDeliveries();
    await eventually(() => emulator.subscriptions().length === 1 && emulator.subscriptions()[0].id !== first.id);
    await eventually(() => saved.length === 1 && saved[0].id !== first.id);
    await built.fetchPresence([alice]);
    const calls = batchCalls();
    await built.fetchPresence([alice]);
    expect(batchCalls()).toBe(calls);
    await clock.advance(1000);
    const [second] = emulator.subscriptions();
    emulator.sendLifecycleEvent(second.id, 'missed');
    await emulator.flushDeliveries();
    await eventually(() => Date.parse(saved[0]?.expirationDateTime) === clock.now() + 59 * MINUTE);
    await built.fetchPresence([alice]);
    await built.fetchPresence([alice]);
    expect(batchCalls()).toBe(calls + 1);
  });

  it('resumes saved subscriptions after a restart instead of creating new ones', async () => {
    const [alice] = emulator.addUsers(1);
    const first = await subscribe([alice], { keepOnClose: true });
    await first.close();
    const kept = saved;
    expect(kept).toHaveLength(1);
    const creates = emulator.server.requestsTo('/v1.0/subscriptions', 'POST').length;
    await subscribe([alice], { subscriptions: kept });
    expect(emulator.server.requestsTo('/v1.0/subscriptions', 'POST')).toHaveLength(creates);
    expect(emulator.server.requestsTo('/v1.0/subscriptions/:id', 'PATCH')).toHaveLength(1);
    emulator.setPresence(alice, { availability: 'Busy', activity: 'InACall' });
    await emulator.flushDeliveries();
    await eventually(() => pushed.length === 1);
  });

  it('replaces a subscription when tracked ids change and deletes everything at close', async () => {
    const ids = emulator.addUsers(3);
    const built = await subscribe(ids);
    const [before] = emulator.subscriptions();
    built.setTrackedIds(ids.slice(0, 2));
    await eventually(() => emulator.subscriptions().length === 1 && emulator.subscriptions()[0].id !== before.id);
    expect(emulator.subscriptions()[0].userIds.size).toBe(2);
    await built.close();
    expect(emulator.subscriptions()).toEqual([]);
    expect(saved).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it('keeps polling ids whose subscription could not be validated, and says the push is down', async () => {
    const ids = emulator.addUsers(2);
    const built = await subscribe(ids, { publicUrl: emulator.url });
    expect(emulator.subscriptions()).toEqual([]);
    expect(states.at(-1)).toBe('down');
    expect(built.health()).toMatchObject({ connection: 'down', lastError: { code: 'PROTOCOL' } });
    const calls = batchCalls();
    await built.fetchPresence(ids);
    await built.fetchPresence(ids);
    expect(batchCalls()).toBe(calls + 2);
  });
});
