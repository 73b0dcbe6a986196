import type { PresenceData } from '../model/presence';
import type { CacheEntry } from '../ports/cache';
import { currentRecord, effectiveTtlMs, type FreshnessRule, isFresh } from './freshness';

const record = (over: Partial<PresenceData> = {}): PresenceData => ({
  userId: 'alice', platform: 'slack', status: 'online', lastUpdated: new Date(0), ...over,
});
const entry = (confirmedAt: number, over: Partial<PresenceData> = {}): CacheEntry => ({ record: record(over), confirmedAt });
const rule = (over: Partial<FreshnessRule>): FreshnessRule => ({ mode: 'poll', ttlMs: 300_000, connectionUp: false, recencyWindowMs: 300_000, ...over });

describe('freshness', () => {
  it('polled records go stale when the TTL passes without a re-read', () => {
    expect(isFresh(entry(0), rule({}), 299_999)).toBe(true);
    expect(isFresh(entry(0), rule({}), 300_000)).toBe(false);
  });

  it('push records stay fresh exactly while the connection is up', () => {
    expect(isFresh(entry(0), rule({ mode: 'push', connectionUp: true }), 10 ** 9)).toBe(true);
    expect(isFresh(entry(0), rule({ mode: 'push', connectionUp: false }), 1)).toBe(false);
  });

  it('inferred records never go stale but decay from online to away', () => {
    const seen = entry(0, { platform: 'whatsapp', status: 'online', lastSeen: new Date(0) });
    const inferred = rule({ mode: 'inferred' });
    expect(isFresh(seen, inferred, 10 ** 9)).toBe(true);
    expect(currentRecord(seen, inferred, 1000).status).toBe('online');
    expect(currentRecord(seen, inferred, 300_001).status).toBe('away');
    expect(currentRecord(seen, rule({}), 300_001).status).toBe('online');
  });

  it('a timed status is stale once it expires, whatever the mode', () => {
    const timed = entry(0, { status: 'busy', expiresAt: new Date(1000) });
    expect(isFresh(timed, rule({ mode: 'push', connectionUp: true }), 999)).toBe(true);
    expect(isFresh(timed, rule({ mode: 'push', connectionUp: true }), 1000)).toBe(false);
  });

  it('raises the TTL to twice the sweep time when the budget cannot re-read everyone in time', () => {
    expect(effectiveTtlMs(300_000, 500, 50)).toBe(20 * 60_000);
    expect(effectiveTtlMs(300_000, 40, 50)).toBe(300_000);
    expect(effectiveTtlMs(300_000, 500, undefined)).toBe(300_000);
    expect(effectiveTtlMs(300_000, 0, 50)).toBe(300_000);
  });

  it('counts a small sweep in milliseconds, not whole minutes, and never below one poll interval', () => {
    // One Slack person, PRESENCE_CACHE_TTL=5 s, a 2 s interval: stale 5 s after the last good read, not 2 minutes.
    expect(effectiveTtlMs(5_000, 1, 50, 2_000)).toBe(5_000);
    // Four people at 50 reads/min sweep in 4.8 s: the floor is 9.6 s, above a 5 s TTL.
    expect(effectiveTtlMs(5_000, 4, 50, 2_000)).toBe(9_600);
    // A 60 s interval is the sweep for a batched platform, whatever its budget.
    expect(effectiveTtlMs(5_000, 10, 100_000, 60_000)).toBe(120_000);
  });
});
