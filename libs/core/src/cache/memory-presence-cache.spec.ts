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
});
