import { hourOfWeekOf, localHourAt, nextLocalHourBoundary, splitByLocalHour } from './local-time';

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

describe('local hours', () => {
  it('hour of the week is Sunday-based in the zone', () => {
    // Tuesday 2026-01-13 10:30 in Berlin (09:30Z)
    expect(hourOfWeekOf(localHourAt('Europe/Berlin', at('2026-01-13T09:30:00Z')))).toBe(2 * 24 + 10);
    // The same instant is 04:30 Tuesday in New York
    expect(hourOfWeekOf(localHourAt('America/New_York', at('2026-01-13T09:30:00Z')))).toBe(2 * 24 + 4);
  });

  it('splits an interval at local hour boundaries, half-hour zones included', () => {
    const shares = splitByLocalHour('Asia/Kolkata', at('2026-01-13T04:00:00Z'), at('2026-01-13T05:00:00Z')); // 09:30-10:30 IST
    expect(shares.map((share) => [hourOfWeekOf(share.localHour), share.seconds])).toEqual([
      [2 * 24 + 9, 1800],
      [2 * 24 + 10, 1800],
    ]);
  });

  it('uses the offset of each instant across a DST change (spring forward: 02:00 never happens)', () => {
    // Berlin 2026-03-29: 01:00Z is 03:00 CEST; 00:00Z-02:00Z covers local 01:00-02:00 then 03:00-04:00
    const shares = splitByLocalHour('Europe/Berlin', at('2026-03-29T00:00:00Z'), at('2026-03-29T02:00:00Z'));
    expect(shares.map((share) => [hourOfWeekOf(share.localHour), share.seconds])).toEqual([
      [1, 3600],
      [3, 3600],
    ]);
  });

  it('the repeated hour of a fall-back night collects both halves', () => {
    // Berlin 2026-10-25: 00:00Z-01:00Z is 02:00 CEST, 01:00Z-02:00Z is 02:00 CET again
    const shares = splitByLocalHour('Europe/Berlin', at('2026-10-25T00:00:00Z'), at('2026-10-25T02:00:00Z'));
    expect(shares.map((share) => [hourOfWeekOf(share.localHour), share.seconds])).toEqual([[2, 7200]]);
  });

  it('finds the next local hour boundary', () => {
    expect(nextLocalHourBoundary('UTC', at('2026-01-13T09:59:59Z'))).toBe(at('2026-01-13T10:00:00Z'));
    expect(nextLocalHourBoundary('Asia/Kolkata', at('2026-01-13T04:00:00Z'))).toBe(at('2026-01-13T04:00:00Z') + HOUR / 2);
  });
});
