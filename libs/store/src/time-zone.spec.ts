import { localHourOfWeek, utcHourOfWeek, utcOffsetMinutes } from './time-zone';

describe('hour-of-week conversion', () => {
  it('finds offsets, including DST and half hours', () => {
    expect(utcOffsetMinutes('UTC', 0)).toBe(0);
    expect(utcOffsetMinutes('America/New_York', Date.UTC(2025, 6, 1))).toBe(-240);
    expect(utcOffsetMinutes('America/New_York', Date.UTC(2025, 0, 1))).toBe(-300);
    expect(utcOffsetMinutes('America/St_Johns', Date.UTC(2025, 0, 1))).toBe(-210);
  });

  it('wraps around the week in both directions', () => {
    expect(utcHourOfWeek(Date.UTC(2025, 0, 5, 0, 30))).toBe(0);
    expect(utcHourOfWeek(Date.UTC(2025, 0, 11, 23, 59))).toBe(167);
    expect(localHourOfWeek(0, -60)).toBe(167);
    expect(localHourOfWeek(167, 120)).toBe(1);
    expect(localHourOfWeek(12, -210)).toBe(8);
    expect(localHourOfWeek(12, 330)).toBe(17);
  });
});
