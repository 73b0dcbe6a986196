import { hourOfWeekOf, localHourAt } from './local-time';
import { PatternAccountant } from './pattern-accounting';

const at = (iso: string): number => Date.parse(iso);
const ONLINE = { observed: true, available: true };
const OFFLINE = { observed: true, available: false };
const UNKNOWN = { observed: false, available: false };

describe('PatternAccountant', () => {
  it('an hour online, then offline: one hour available, not one change', () => {
    const accountant = new PatternAccountant();
    accountant.observe('ann', 'UTC', at('2026-01-13T10:00:00Z'), ONLINE);
    accountant.observe('ann', 'UTC', at('2026-01-13T11:00:00Z'), OFFLINE);
    accountant.closeAll(at('2026-01-13T11:30:00Z'));
    const entries = accountant.drain();
    expect(entries.map((entry) => [hourOfWeekOf(entry.localHour), entry.availableSeconds, entry.observedSeconds])).toEqual([
      [2 * 24 + 10, 3600, 3600],
      [2 * 24 + 11, 0, 1800],
    ]);
    expect(accountant.drain()).toEqual([]);
  });

  it('splits a state that spans hours at each local hour, in the person’s zone', () => {
    const accountant = new PatternAccountant();
    accountant.observe('raj', 'Asia/Kolkata', at('2026-01-13T04:00:00Z'), ONLINE); // 09:30 IST
    accountant.closeAll(at('2026-01-13T05:15:00Z')); // 10:45 IST
    expect(accountant.drain().map((entry) => [hourOfWeekOf(entry.localHour), entry.availableSeconds])).toEqual([
      [2 * 24 + 9, 1800],
      [2 * 24 + 10, 2700],
    ]);
  });

  it('a re-report of the same state keeps the interval; unknown time is not observed', () => {
    const accountant = new PatternAccountant();
    accountant.observe('ann', 'UTC', at('2026-01-13T10:00:00Z'), ONLINE);
    accountant.observe('ann', 'UTC', at('2026-01-13T10:20:00Z'), ONLINE);
    accountant.observe('ann', 'UTC', at('2026-01-13T10:40:00Z'), UNKNOWN);
    accountant.closeAll(at('2026-01-13T11:00:00Z'));
    expect(accountant.drain()).toEqual([{ userId: 'ann', localHour: localHourAt('UTC', at('2026-01-13T10:00:00Z')), availableSeconds: 2400, observedSeconds: 2400 }]);
  });

  it('closes at shutdown without reopening, forgets an erased person, and restores a failed write', () => {
    const accountant = new PatternAccountant();
    accountant.observe('ann', 'UTC', at('2026-01-13T10:00:00Z'), ONLINE);
    accountant.observe('bob', 'UTC', at('2026-01-13T10:00:00Z'), ONLINE);
    accountant.forget('bob');
    accountant.closeAll(at('2026-01-13T10:10:00Z'), false);
    expect(accountant.isOpen('ann')).toBe(false);
    const entries = accountant.drain();
    expect(entries).toHaveLength(1);
    accountant.restore(entries);
    expect(accountant.drain()).toEqual(entries);
  });

  it('names the next local hour boundary among open zones', () => {
    const accountant = new PatternAccountant();
    expect(accountant.nextBoundary(at('2026-01-13T10:10:00Z'))).toBeUndefined();
    accountant.observe('ann', 'UTC', at('2026-01-13T10:00:00Z'), ONLINE);
    accountant.observe('raj', 'Asia/Kolkata', at('2026-01-13T10:00:00Z'), ONLINE);
    expect(accountant.nextBoundary(at('2026-01-13T10:10:00Z'))).toBe(at('2026-01-13T10:30:00Z'));
  });
});
