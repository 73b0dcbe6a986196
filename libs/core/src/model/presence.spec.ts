import { type ChangeFields, isPresenceChange } from './presence';

describe('isPresenceChange (the one change rule)', () => {
  const online: ChangeFields = { status: 'online', devices: { desktop: 'online' } };

  it('a first reading is a change', () => {
    expect(isPresenceChange(undefined, online)).toBe(true);
  });

  it('status, activity and custom message each make a change', () => {
    expect(isPresenceChange(online, { ...online, status: 'away' })).toBe(true);
    expect(isPresenceChange(online, { ...online, activity: 'In a meeting' })).toBe(true);
    expect(isPresenceChange(online, { ...online, customMessage: 'lunch' })).toBe(true);
  });

  it('a device-only change is a change (desktop to phone)', () => {
    expect(isPresenceChange(online, { status: 'online', devices: { mobile: 'online' } })).toBe(true);
    expect(isPresenceChange(online, { status: 'online', devices: { desktop: 'online', web: 'online' } })).toBe(true);
    expect(isPresenceChange(online, { status: 'online' })).toBe(true);
    expect(isPresenceChange({ status: 'online' }, online)).toBe(true);
  });

  it('a re-read of the same state is not a change, whatever its times, stamps or native spelling', () => {
    const before = { ...online, rawStatus: 'online', observedAt: new Date(1), lastSeen: new Date(1), sequence: '1' };
    const after = { ...online, devices: { desktop: 'online' as const }, rawStatus: 'ONLINE', observedAt: new Date(2), sequence: '2' };
    expect(isPresenceChange(before, after)).toBe(false);
    expect(isPresenceChange({ status: 'offline' }, { status: 'offline' })).toBe(false);
  });
});
