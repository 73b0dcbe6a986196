import type { PlatformPresence } from '@amo/presence-core';
import { RecencyLedger, recencyRecords, type RecencySignal } from './recency-ledger';
import { RecencyRelay } from './recency-relay';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MIN = 60_000;
const seen = (accountId: string, ageMs: number, kind = 'message'): RecencySignal => ({ accountId, at: new Date(T0 - ageMs), kind });
const reachable = (accountId: string, ageMs: number): RecencySignal => ({ ...seen(accountId, ageMs, 'delivered'), weak: true });

describe('RecencyLedger', () => {
  it('turns a strong signal into lastSeen: online within the window, away after it, never offline', () => {
    const ledger = new RecencyLedger('whatsapp');
    expect(ledger.apply([seen('a', MIN)], T0)).toEqual(['a']);
    expect(ledger.record('a', T0)).toEqual({
      platform: 'whatsapp',
      accountId: 'a',
      status: 'online',
      rawStatus: 'message',
      lastSeen: new Date(T0 - MIN),
      observedAt: new Date(T0 - MIN),
    });
    expect(ledger.record('a', T0 + 4 * MIN)?.status).toBe('online');
    expect(ledger.record('a', T0 + 4 * MIN + 1)?.status).toBe('away');
    expect(ledger.record('a', T0 + 24 * 60 * MIN)?.status).toBe('away');
    expect(ledger.record('a', T0, 30_000)?.status).toBe('away');
    expect(ledger.record('never', T0)).toBeUndefined();
  });

  it('only moves forward: older, equal and repeated signals change nothing and are not reported', () => {
    const ledger = new RecencyLedger('linkedin');
    ledger.apply([seen('a', MIN, 'COMMENT')], T0);
    expect(ledger.apply([seen('a', 3 * MIN, 'SHARE'), seen('a', MIN, 'LIKE')], T0)).toEqual([]);
    expect(ledger.record('a', T0)).toMatchObject({ rawStatus: 'COMMENT', lastSeen: new Date(T0 - MIN) });
    expect(ledger.apply([seen('a', 30_000, 'SHARE')], T0)).toEqual(['a']);
    expect(ledger.record('a', T0)).toMatchObject({ rawStatus: 'SHARE', lastSeen: new Date(T0 - 30_000) });
  });

  it('clamps a signal from the future to now', () => {
    const ledger = new RecencyLedger('whatsapp');
    ledger.apply([seen('a', -60 * MIN)], T0);
    expect(ledger.record('a', T0)?.lastSeen).toEqual(new Date(T0));
  });

  it('keeps a weak signal as reachableAt only: no lastSeen, no record, no advance', () => {
    const ledger = new RecencyLedger('whatsapp');
    expect(ledger.apply([reachable('a', 0)], T0)).toEqual([]);
    expect(ledger.state('a')).toEqual({ accountId: 'a', reachableAt: new Date(T0) });
    expect(ledger.record('a', T0)).toBeUndefined();
    ledger.apply([reachable('a', MIN), seen('a', 2 * MIN, 'read')], T0);
    expect(ledger.state('a')).toEqual({ accountId: 'a', reachableAt: new Date(T0), lastSeen: new Date(T0 - 2 * MIN), lastSeenBy: 'read' });
  });

  it('hands out copies of its state', () => {
    const ledger = new RecencyLedger('whatsapp');
    ledger.apply([seen('a', MIN)], T0);
    const state = ledger.state('a');
    if (state) state.lastSeen = new Date(0);
    expect(ledger.state('a')?.lastSeen).toEqual(new Date(T0 - MIN));
  });

  it('is bounded: the account whose memory moved forward least recently is forgotten first', () => {
    const ledger = new RecencyLedger('whatsapp', 2);
    ledger.apply([seen('a', 3 * MIN), seen('b', 2 * MIN)], T0);
    // A stale repeat for `a` is no news: it does not save `a` from being forgotten.
    ledger.apply([seen('a', 5 * MIN)], T0);
    expect(ledger.apply([seen('c', MIN)], T0)).toEqual(['c']);
    expect(ledger.size).toBe(2);
    expect(ledger.record('a', T0)).toBeUndefined();
    // An advance for `b` makes `c` the oldest; an account forgotten in the same batch is not reported.
    expect(ledger.apply([seen('b', 0), seen('d', 0), seen('e', 0)], T0)).toEqual(['d', 'e']);
    expect(['a', 'b', 'c', 'd', 'e'].filter((id) => ledger.record(id, T0))).toEqual(['d', 'e']);
    ledger.clear();
    expect(ledger.size).toBe(0);
  });
});

describe('recencyRecords', () => {
  it('makes one record per account from its newest strong signal (the first on a tie), clamped to now', () => {
    const records = recencyRecords(
      'whatsapp',
      [seen('a', 2 * MIN, 'message'), seen('a', 30_000, 'read'), seen('a', 30_000, 'message'), reachable('a', 0), reachable('b', 0), seen('c', -MIN)],
      T0,
    );
    expect(records).toEqual([
      { platform: 'whatsapp', accountId: 'a', status: 'online', rawStatus: 'read', lastSeen: new Date(T0 - 30_000), observedAt: new Date(T0 - 30_000) },
      { platform: 'whatsapp', accountId: 'c', status: 'online', rawStatus: 'message', lastSeen: new Date(T0), observedAt: new Date(T0) },
    ]);
    expect(recencyRecords('linkedin', [seen('a', 10 * MIN, 'COMMENT')], T0)[0]?.status).toBe('away');
    expect(recencyRecords('linkedin', [seen('a', 10 * MIN, 'COMMENT')], T0, 60 * MIN)[0]?.status).toBe('online');
  });
});

describe('RecencyRelay', () => {
  let now = T0;
  const clock = { now: () => now };
  const record = (signal: RecencySignal): PlatformPresence => recencyRecords('linkedin', [signal], now)[0] as PlatformPresence;
  const deliver = (relay: RecencyRelay, signals: RecencySignal[]): boolean => relay.received(signals, recencyRecords('linkedin', signals, now));

  beforeEach(() => {
    now = T0;
  });

  it('answers fetchPresence from received signals only, leaving silent accounts out of both lists', () => {
    const relay = new RecencyRelay({ platform: 'linkedin', clock, windowMs: 2 * MIN });
    deliver(relay, [seen('a', MIN), reachable('b', 0)]);
    expect(relay.fetchPresence(['a', 'b', 'c'])).toEqual({ records: [record(seen('a', MIN))], notFound: [] });
    now = T0 + 2 * MIN;
    expect(relay.fetchPresence(['a']).records[0]?.status).toBe('away');
    expect(relay.state('b')).toEqual({ accountId: 'b', reachableAt: new Date(T0) });
  });

  it('pushes only records whose lastSeen moved forward, and reports the push connection up', () => {
    const relay = new RecencyRelay({ platform: 'linkedin', clock });
    const pushed: PlatformPresence[] = [];
    const states: string[] = [];
    relay.startPush({ presence: (r) => pushed.push(r), connection: (state) => states.push(state) });
    deliver(relay, [seen('a', MIN)]);
    deliver(relay, [seen('a', 3 * MIN)]);
    deliver(relay, [seen('a', MIN)]);
    deliver(relay, [seen('a', 0), reachable('b', 0)]);
    expect(pushed.map((r) => r.lastSeen)).toEqual([new Date(T0 - MIN), new Date(T0)]);
    expect(states).toEqual(['up']);
    expect(relay.counts()).toEqual({ accepted: 4, rejected: {}, ignored: 0 });
  });

  it('hands over what it heard before push started, so early webhooks are not lost', () => {
    const relay = new RecencyRelay({ platform: 'linkedin', clock });
    deliver(relay, [seen('a', MIN), reachable('b', 0)]);
    const pushed: PlatformPresence[] = [];
    relay.startPush({ presence: (r) => pushed.push(r), connection: () => undefined });
    expect(pushed).toEqual([record(seen('a', MIN))]);
  });

  it('stopPush: the sink hears down then nothing; deliveries meanwhile are acknowledged, counted as ignored, never applied', () => {
    const relay = new RecencyRelay({ platform: 'whatsapp', clock });
    const pushed: PlatformPresence[] = [];
    const states: string[] = [];
    const sink = { presence: (r: PlatformPresence) => pushed.push(r), connection: (state: string) => states.push(state) };
    relay.startPush(sink);
    deliver(relay, [seen('a', 2 * MIN)]);
    relay.stopPush();
    expect(relay.received([seen('a', MIN), seen('b', MIN)], recencyRecords('whatsapp', [seen('a', MIN), seen('b', MIN)], now))).toBe(false);
    expect(pushed.map((r) => r.accountId)).toEqual(['a']);
    expect(states).toEqual(['up', 'down']);
    expect(relay.state('a')?.lastSeen).toEqual(new Date(T0 - 2 * MIN));
    expect(relay.state('b')).toBeUndefined();
    expect(relay.counts()).toEqual({ accepted: 2, rejected: {}, ignored: 1 });
    expect(relay.health({ breaker: 'closed', budgets: [], retries: 0 }).connection).toBe('down');
    relay.startPush(sink);
    deliver(relay, [seen('b', 0)]);
    expect(pushed.map((r) => r.accountId)).toEqual(['a', 'a', 'b']);
    expect(states).toEqual(['up', 'down', 'up']);
  });

  it('counts refusals by reason and reports the newer of its own and the client\'s last error', () => {
    const relay = new RecencyRelay<'unsigned' | 'bad-signature'>({ platform: 'whatsapp', clock });
    const client = { breaker: 'closed' as const, budgets: [], retries: 0, lastError: { code: 'TRANSIENT', message: 'outage', at: new Date(T0 - MIN) } };
    expect(relay.health(client)).toEqual(client);
    relay.refused('unsigned');
    relay.refused('bad-signature');
    relay.refused('bad-signature');
    expect(relay.counts()).toEqual({ accepted: 0, rejected: { unsigned: 1, 'bad-signature': 2 }, ignored: 0 });
    expect(relay.health(client).lastError).toEqual({ code: 'PROTOCOL', message: 'webhook rejected: bad-signature', at: new Date(T0) });
    const later = { ...client, lastError: { ...client.lastError, at: new Date(T0 + MIN) } };
    expect(relay.health(later).lastError?.code).toBe('TRANSIENT');
  });

  it('after close: reports down once, refuses reads and push, and remembers nothing new', () => {
    const relay = new RecencyRelay({ platform: 'whatsapp', clock });
    const states: string[] = [];
    const pushed: PlatformPresence[] = [];
    relay.startPush({ presence: (r) => pushed.push(r), connection: (state) => states.push(state) });
    expect(relay.health({ breaker: 'closed', budgets: [], retries: 0 }).connection).toBe('up');
    expect(relay.close()).toBe(true);
    expect(relay.close()).toBe(false);
    expect(states).toEqual(['up', 'down']);
    deliver(relay, [seen('a', 0)]);
    expect(pushed).toEqual([]);
    expect(relay.state('a')).toBeUndefined();
    expect(relay.counts().accepted).toBe(1);
    expect(relay.health({ breaker: 'closed', budgets: [], retries: 0, connection: 'up' }).connection).toBe('down');
    expect(() => relay.fetchPresence(['a'])).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', platform: 'whatsapp', message: 'whatsapp adapter is closed' }));
    expect(() => relay.startPush({ presence: () => undefined, connection: () => undefined })).toThrow(/closed/);
  });
});
