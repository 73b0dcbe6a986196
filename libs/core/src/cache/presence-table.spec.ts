import { InMemoryIdentityDirectory } from '../identity/identity-directory';
import type { PresenceData } from '../model/presence';
import { PresenceTable, SLOTS } from './presence-table';

const record = (userId: string, over: Partial<PresenceData> = {}): PresenceData => ({
  userId, platform: 'slack', status: 'online', lastUpdated: new Date(1_000), ...over,
});
/** Writes a record the way restore does: its own time as the slot's time. */
const put = (table: PresenceTable, handle: number, slot: number, data: PresenceData, confirmedAt: number): void =>
  table.put(handle, slot, data, data.lastUpdated.getTime(), confirmedAt);

describe('PresenceTable', () => {
  it('interns each person once and mirrors a record into its numeric columns', () => {
    const table = new PresenceTable();
    const alice = table.intern('alice');
    expect(table.intern('alice')).toBe(alice);
    expect(table.handleOf('bob')).toBe(-1);
    put(table, alice, 1, record('alice', { status: 'away', expiresAt: new Date(5_000) }), 2_000);
    const index = alice * SLOTS + 1;
    expect(table.status[index]).toBe(3);
    expect(table.updatedAt[index]).toBe(1_000);
    expect(table.confirmedAt[index]).toBe(2_000);
    expect(table.present[alice]).toBe(0b10);
    expect(table.expiring[alice]).toBe(0b10);
    put(table, alice, 1, record('alice'), 3_000);
    expect(table.expiring[alice]).toBe(0);
    expect(table.size()).toBe(1);
  });

  it('grows past its first capacity without losing anyone, and reuses released handles', () => {
    const table = new PresenceTable();
    for (let i = 0; i < 1_000; i++) put(table, table.intern(`p${i}`), i % SLOTS, record(`p${i}`), i);
    expect(table.size()).toBe(1_000);
    const last = table.handleOf('p999');
    expect(table.confirmedAt[last * SLOTS + (999 % SLOTS)]).toBe(999);
    expect(table.record(table.handleOf('p0'), 0)?.userId).toBe('p0');
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
    put(table, alice, 0, record('alice'), 0);
    put(table, bob, 2, record('bob'), 0);
    table.clear(alice, 0);
    table.clear(alice, 0);
    expect([...table.heldHandles()]).toEqual([bob]);
    expect(table.record(alice, 0)).toBeUndefined();
    expect(table.size()).toBe(1);
  });

  it('keeps no record object: builds each record on demand with every field it was given', () => {
    const table = new PresenceTable();
    const alice = table.intern('alice');
    const full = record('alice', {
      platform: 'teams',
      status: 'busy',
      rawStatus: 'Busy/InACall',
      activity: 'InACall',
      customMessage: 'back at 3',
      lastSeen: new Date(900),
      devices: { desktop: 'busy' },
      expiresAt: new Date(9_000),
      sequence: '7',
      sequenceScope: 'sub-1',
    });
    put(table, alice, 2, full, 1_500);
    const built = table.record(alice, 2);
    expect(built).toEqual(full);
    expect(built).not.toBe(table.record(alice, 2));
    expect(table.record(alice, 2, 'away')?.status).toBe('away');
    // A later reading without the optional fields leaves none of them behind.
    put(table, alice, 2, record('alice', { platform: 'teams', lastUpdated: new Date(2_000) }), 2_000);
    expect(table.record(alice, 2)).toEqual({ userId: 'alice', platform: 'teams', status: 'online', lastUpdated: new Date(2_000), rawStatus: undefined });
  });

  it('orders readings by sequence within one scope and by time otherwise, and detects changes by the one rule', () => {
    const table = new PresenceTable();
    const alice = table.intern('alice');
    put(table, alice, 2, record('alice', { lastUpdated: new Date(5_000), sequence: 'B', sequenceScope: 's1', devices: { desktop: 'online' } }), 0);
    const index = alice * SLOTS + 2;
    expect(table.isOlder(index, 'A', 's1', 9_000)).toBe(true);
    expect(table.isOlder(index, 'C', 's1', 1_000)).toBe(false);
    expect(table.isOlder(index, 'A', 's2', 9_000)).toBe(false);
    expect(table.isOlder(index, undefined, undefined, 4_999)).toBe(true);
    expect(table.differs(index, { status: 'online', devices: { desktop: 'online' } })).toBe(false);
    expect(table.differs(index, { status: 'online', devices: { mobile: 'online' } })).toBe(true);
    expect(table.differs(index, { status: 'online', devices: { desktop: 'online' }, activity: 'Available' })).toBe(true);
    expect(table.differs(index, { status: 'away', devices: { desktop: 'online' } })).toBe(true);
  });

  it('shares its person index with the directory: an account resolves to the table row, and a row lives while either side keeps it', () => {
    const table = new PresenceTable();
    const directory = new InMemoryIdentityDirectory();
    directory.link('alice', 'slack', 'U1');
    directory.shareIndex(table.index);
    const alice = directory.handlesOn('slack').get('U1') as number;
    expect(alice).toBe(table.handleOf('alice'));
    expect(table.index.linked[alice]).toBe(0b10);
    put(table, alice, 1, record('alice'), 0);
    directory.unlink('alice');
    // Unlinked but still holding a reading: the row stays, and linking again finds it.
    expect(table.handleOf('alice')).toBe(alice);
    expect(table.index.linked[alice]).toBe(0);
    directory.link('alice', 'zoom', 'z1');
    expect(directory.handlesOn('zoom').get('z1')).toBe(alice);
    directory.unlink('alice');
    table.release(alice);
    expect(table.handleOf('alice')).toBe(-1);
    expect(directory.personOf('zoom', 'z1')).toBeUndefined();
  });
});
