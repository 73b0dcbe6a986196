import type { PresenceData } from '../model/presence';
import { PresenceTable, SLOTS } from './presence-table';

const record = (userId: string, over: Partial<PresenceData> = {}): PresenceData => ({
  userId, platform: 'slack', status: 'online', lastUpdated: new Date(1_000), ...over,
});

describe('PresenceTable', () => {
  it('interns each person once and mirrors a record into its numeric columns', () => {
    const table = new PresenceTable();
    const alice = table.intern('alice');
    expect(table.intern('alice')).toBe(alice);
    expect(table.handleOf('bob')).toBe(-1);
    table.put(alice, 1, record('alice', { status: 'away', expiresAt: new Date(5_000) }), 2_000);
    const index = alice * SLOTS + 1;
    expect(table.status[index]).toBe(3);
    expect(table.updatedAt[index]).toBe(1_000);
    expect(table.confirmedAt[index]).toBe(2_000);
    expect(table.present[alice]).toBe(0b10);
    expect(table.expiring[alice]).toBe(0b10);
    table.put(alice, 1, record('alice'), 3_000);
    expect(table.expiring[alice]).toBe(0);
    expect(table.size()).toBe(1);
  });

  it('grows past its first capacity without losing anyone, and reuses released handles', () => {
    const table = new PresenceTable();
    for (let i = 0; i < 1_000; i++) table.put(table.intern(`p${i}`), i % SLOTS, record(`p${i}`), i);
    expect(table.size()).toBe(1_000);
    const last = table.handleOf('p999');
    expect(table.confirmedAt[last * SLOTS + (999 % SLOTS)]).toBe(999);
    expect(table.records[table.handleOf('p0') * SLOTS]?.userId).toBe('p0');
    const freed = table.handleOf('p5');
    table.announce(freed, 2);
    table.release(freed);
    expect(table.handleOf('p5')).toBe(-1);
    expect(table.size()).toBe(999);
    const reused = table.intern('newcomer');
    expect(reused).toBe(freed);
    // Nothing of the person who held the handle before is left: no record, no announced aggregate.
    expect(table.present[reused]).toBe(0);
    expect(table.announced[reused]).toBe(0);
  });

  it('clears one slot and lists only people who still hold a record', () => {
    const table = new PresenceTable();
    const alice = table.intern('alice');
    const bob = table.intern('bob');
    table.put(alice, 0, record('alice'), 0);
    table.put(bob, 2, record('bob'), 0);
    table.clear(alice, 0);
    table.clear(alice, 0);
    expect([...table.heldHandles()]).toEqual([bob]);
    expect(table.records[alice * SLOTS]).toBeUndefined();
    expect(table.size()).toBe(1);
  });
});
