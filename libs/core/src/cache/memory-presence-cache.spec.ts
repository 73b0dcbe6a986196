import type { CacheEntry } from '../ports/cache';
import { MemoryPresenceCache } from './memory-presence-cache';

const entry = (status: 'online' | 'away'): CacheEntry => ({
  record: { userId: 'alice', platform: 'slack', status, lastUpdated: new Date(0) },
  confirmedAt: 0,
});

describe('MemoryPresenceCache', () => {
  it('never creates an entry on read', () => {
    const cache = new MemoryPresenceCache();
    expect(cache.get('ghost', 'slack')).toBeUndefined();
    expect(cache.entries('ghost')).toHaveLength(0);
    expect(cache.size()).toBe(0);
    expect([...cache.userIds()]).toEqual([]);
  });

  it('counts entries across set, overwrite and delete', () => {
    const cache = new MemoryPresenceCache();
    cache.set('alice', 'slack', entry('online'));
    cache.set('alice', 'slack', entry('away'));
    cache.set('alice', 'zoom', entry('online'));
    cache.set('bob', 'slack', entry('online'));
    expect(cache.size()).toBe(3);
    expect(cache.get('alice', 'slack')?.record.status).toBe('away');
    expect(cache.entries('alice').map((e) => e.record.status)).toEqual(['away', 'online']);
    cache.delete('alice', 'slack');
    expect(cache.size()).toBe(2);
    cache.delete('alice', 'slack');
    cache.delete('alice', 'zoom');
    expect([...cache.userIds()]).toEqual(['bob']);
    cache.delete('bob');
    cache.delete('nobody');
    expect(cache.size()).toBe(0);
  });

  it('lists the entries confirmed since a time, with their person, and none that was deleted', () => {
    const cache = new MemoryPresenceCache();
    const at = (userId: string, platform: 'slack' | 'zoom', confirmedAt: number): CacheEntry => ({ record: { userId, platform, status: 'online', lastUpdated: new Date(1) }, confirmedAt });
    cache.set('alice', 'slack', at('alice', 'slack', 100));
    cache.set('alice', 'zoom', at('alice', 'zoom', 200));
    cache.set('bob', 'slack', at('bob', 'slack', 300));
    cache.set('carol', 'zoom', at('carol', 'zoom', 400));
    cache.delete('carol');
    expect([...cache.entriesConfirmedSince(200)]).toEqual([
      { userId: 'alice', entry: at('alice', 'zoom', 200) },
      { userId: 'bob', entry: at('bob', 'slack', 300) },
    ]);
    expect([...cache.entriesConfirmedSince(-Infinity)]).toHaveLength(3);
  });
});
