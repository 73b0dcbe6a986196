import type { StoredRecords } from '../cache/stored-records';
import { MemoryPresenceCache } from '../cache/memory-presence-cache';
import type { CacheEntry, PresenceCache } from '../ports/cache';
import type { Platform } from '../model/platform';
import type { DeviceStatuses } from '../model/presence';
import type { PresenceStatus } from '../model/status';
import { TimerScheduler } from '../ports/scheduler';
import { PresenceAggregator } from './presence-aggregator';

const NOW = Date.parse('2026-01-15T12:00:00Z');

/** Rows as a store reads them, one object per row here for readability, turned into the columns core takes. */
function columns(rows: { userId: string; platform: string; status: string; lastUpdated: number; confirmedAt: number; lastSeen?: number; expiresAt?: number; sequence?: string; rawStatus?: string; activity?: string; customMessage?: string; devices?: Record<string, string> }[]): StoredRecords {
  return {
    userId: rows.map((row) => row.userId),
    platform: rows.map((row) => row.platform),
    status: rows.map((row) => row.status),
    lastUpdated: rows.map((row) => row.lastUpdated),
    confirmedAt: rows.map((row) => row.confirmedAt),
    lastSeen: rows.map((row) => row.lastSeen ?? null),
    expiresAt: rows.map((row) => row.expiresAt ?? null),
    sequence: rows.map((row) => row.sequence ?? null),
    rawStatus: rows.map((row) => row.rawStatus ?? null),
    activity: rows.map((row) => row.activity ?? null),
    customMessage: rows.map((row) => row.customMessage ?? null),
    devices: rows.map((row) => (row.devices ?? null) as DeviceStatuses | null),
  };
}

function aggregatorAt(now: number, options: ConstructorParameters<typeof PresenceAggregator>[0] = {}): PresenceAggregator {
  return new PresenceAggregator({ scheduler: new TimerScheduler(), clock: { now: () => now }, cacheTtlMs: 300_000, ...options });
}

describe('restoreRecords: a store page of snapshot records in columns', () => {
  it('loads every field with its real times, as restore does one record', () => {
    const cache = new MemoryPresenceCache();
    const aggregator = aggregatorAt(NOW, { cache });
    aggregator.directory.link('alice', 'discord', 'D1');
    const loaded = aggregator.restoreRecords(
      columns([
        {
          userId: 'alice', platform: 'discord', status: 'busy', lastUpdated: NOW - 9_000, confirmedAt: NOW - 8_000, lastSeen: NOW - 20_000,
          expiresAt: NOW + 60_000, sequence: '17', rawStatus: 'dnd', activity: 'In a call', customMessage: 'Do not disturb', devices: { desktop: 'busy', mobile: 'online' },
        },
      ]),
    );
    expect(loaded).toBe(1);
    expect(aggregator.getUserPresence('alice').discord).toEqual({
      userId: 'alice',
      platform: 'discord',
      status: 'busy',
      lastUpdated: new Date(NOW - 9_000),
      lastSeen: new Date(NOW - 20_000),
      expiresAt: new Date(NOW + 60_000),
      sequence: '17',
      rawStatus: 'dnd',
      activity: 'In a call',
      customMessage: 'Do not disturb',
      devices: { desktop: 'busy', mobile: 'online' },
    });
    expect(cache.get('alice', 'discord')?.confirmedAt).toBe(NOW - 8_000);
  });

  it('keeps stale and fresh apart by the stored confirmation time, not the time of the restore', () => {
    const aggregator = aggregatorAt(NOW);
    aggregator.directory.link('fresh', 'slack', 'U1');
    aggregator.directory.link('stale', 'slack', 'U2');
    aggregator.restoreRecords(
      columns([
        { userId: 'fresh', platform: 'slack', status: 'online', lastUpdated: NOW - 60_000, confirmedAt: NOW - 60_000 },
        { userId: 'stale', platform: 'slack', status: 'online', lastUpdated: NOW - 400_000, confirmedAt: NOW - 301_000 },
      ]),
    );
    expect(aggregator.explain('fresh')).toMatchObject({ status: 'online', stale: [] });
    expect(aggregator.explain('stale')).toMatchObject({ status: 'unknown', stale: ['slack'] });
  });

  it('tells no listener; the first live reading equal to a restored record is no change, a different one is, with the restored status as previous', () => {
    const aggregator = aggregatorAt(NOW);
    aggregator.directory.link('alice', 'slack', 'U1');
    aggregator.directory.link('alice', 'zoom', 'Z1');
    const heard: [string, Platform, PresenceStatus, PresenceStatus | null][] = [];
    aggregator.addPresenceListener((userId, platform, presence, previousStatus) => heard.push([userId, platform, presence.status, previousStatus]));
    aggregator.restoreRecords(
      columns([
        { userId: 'alice', platform: 'slack', status: 'away', lastUpdated: NOW - 5_000, confirmedAt: NOW - 5_000 },
        { userId: 'alice', platform: 'zoom', status: 'busy', lastUpdated: NOW - 5_000, confirmedAt: NOW - 5_000 },
      ]),
    );
    expect(heard).toEqual([]);
    expect(aggregator.ingest('slack', [{ platform: 'slack', accountId: 'U1', status: 'away', observedAt: new Date(NOW) }])).toBe(0);
    expect(aggregator.ingest('zoom', [{ platform: 'zoom', accountId: 'Z1', status: 'online', observedAt: new Date(NOW) }])).toBe(1);
    expect(heard).toEqual([['alice', 'zoom', 'online', 'busy']]);
    // A platform with no restored record: the first reading is a change from nothing.
    aggregator.directory.link('alice', 'teams', 'T1');
    aggregator.ingest('teams', [{ platform: 'teams', accountId: 'T1', status: 'online', observedAt: new Date(NOW) }]);
    expect(heard[1]).toEqual(['alice', 'teams', 'online', null]);
  });

  it('leaves out rows whose person id breaks the id rule or whose platform or status core does not know, and counts the rest', () => {
    const aggregator = aggregatorAt(NOW);
    const row = { status: 'online', lastUpdated: NOW, confirmedAt: NOW };
    const loaded = aggregator.restoreRecords(
      columns([
        { ...row, userId: 'mallory\u0001', platform: 'slack' },
        { ...row, userId: 'alice', platform: 'myspace' },
        { ...row, userId: 'alice', platform: 'slack', status: 'dnd' },
        { ...row, userId: 'alice', platform: 'zoom', status: 'toString' },
        { ...row, userId: 'alice', platform: 'teams' },
        { ...row, userId: 'bob', platform: 'teams' },
      ]),
    );
    expect(loaded).toBe(2);
    expect(Object.keys(aggregator.getUserPresence('alice'))).toEqual(['teams']);
    expect(aggregator.getUserPresence('bob').teams?.status).toBe('online');
    expect(aggregator.getPresenceStatistics().peopleTracked).toBe(2);
  });

  it('takes stores without detail columns, and a second restore of the same rows leaves the same state', () => {
    const cache = new MemoryPresenceCache();
    const aggregator = aggregatorAt(NOW, { cache });
    const page: StoredRecords = {
      userId: ['alice', 'alice'],
      platform: ['slack', 'teams'],
      status: ['away', 'busy'],
      lastUpdated: [NOW - 1_000, NOW - 2_000],
      confirmedAt: [NOW - 1_000, NOW - 2_000],
      lastSeen: [null, null],
      expiresAt: [null, null],
      sequence: [null, null],
    };
    expect(aggregator.restoreRecords(page)).toBe(2);
    const first = aggregator.getUserPresence('alice');
    expect(aggregator.restoreRecords(page)).toBe(2);
    expect(aggregator.getUserPresence('alice')).toEqual(first);
    expect(first).toEqual({
      slack: { userId: 'alice', platform: 'slack', status: 'away', lastUpdated: new Date(NOW - 1_000) },
      teams: { userId: 'alice', platform: 'teams', status: 'busy', lastUpdated: new Date(NOW - 2_000) },
    });
    expect(cache.size()).toBe(2);
  });

  it('writes restored records through to another cache port', () => {
    const written: [string, Platform, CacheEntry][] = [];
    const mirror: PresenceCache = {
      get: () => undefined,
      entries: () => [],
      set: (userId, platform, entry) => void written.push([userId, platform, entry]),
      delete: () => undefined,
      userIds: () => [][Symbol.iterator](),
      size: () => 0,
    };
    const aggregator = aggregatorAt(NOW, { cache: mirror });
    aggregator.restoreRecords(columns([{ userId: 'alice', platform: 'slack', status: 'away', lastUpdated: NOW - 1_000, confirmedAt: NOW - 500 }]));
    expect(written).toEqual([['alice', 'slack', { record: { userId: 'alice', platform: 'slack', status: 'away', lastUpdated: new Date(NOW - 1_000) }, confirmedAt: NOW - 500 }]]);
  });
});
