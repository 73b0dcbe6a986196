import { InvalidInputError } from '../model/errors';
import { isAvailable, isInQuietHours, isMonitored, validateQuietHours } from './preferences';

const at = (iso: string): number => Date.parse(iso);

describe('quiet hours', () => {
  const night = { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' };

  it('wraps midnight in the person’s own time zone', () => {
    expect(isInQuietHours(night, at('2026-01-15T21:30:00Z'))).toBe(true); // 22:30 in Berlin
    expect(isInQuietHours(night, at('2026-01-15T05:59:00Z'))).toBe(true); // 06:59
    expect(isInQuietHours(night, at('2026-01-15T06:00:00Z'))).toBe(false); // 07:00
    expect(isInQuietHours(night, at('2026-01-15T12:00:00Z'))).toBe(false);
  });

  it('handles a same-day window and an empty one', () => {
    const lunch = { start: '12:00', end: '13:00', timeZone: 'UTC' };
    expect(isInQuietHours(lunch, at('2026-01-15T12:30:00Z'))).toBe(true);
    expect(isInQuietHours(lunch, at('2026-01-15T13:00:00Z'))).toBe(false);
    expect(isInQuietHours({ start: '09:00', end: '09:00', timeZone: 'UTC' }, at('2026-01-15T09:00:00Z'))).toBe(false);
  });

  it('rejects malformed times and unknown zones', () => {
    expect(() => validateQuietHours({ start: '25:00', end: '07:00', timeZone: 'UTC' })).toThrow(InvalidInputError);
    expect(() => validateQuietHours({ start: '22:00', end: '7', timeZone: 'UTC' })).toThrow(/quietHours.end/);
    expect(() => validateQuietHours({ start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
    expect(() => validateQuietHours(night)).not.toThrow();
  });
});

describe('availability and monitoring', () => {
  const noon = at('2026-01-15T12:00:00Z');

  it('is available only when online or idle', () => {
    expect(isAvailable('online', undefined, noon)).toBe(true);
    expect(isAvailable('idle', undefined, noon)).toBe(true);
    for (const status of ['busy', 'away', 'offline', 'unknown'] as const) expect(isAvailable(status, undefined, noon)).toBe(false);
  });

  it('is never available in quiet hours, opted out, or without consent', () => {
    expect(isAvailable('online', { quietHours: { start: '11:00', end: '13:00', timeZone: 'UTC' } }, noon)).toBe(false);
    expect(isAvailable('online', { optedOut: true }, noon)).toBe(false);
    expect(isAvailable('online', { consent: false }, noon)).toBe(false);
    expect(isAvailable('online', undefined, noon, false)).toBe(false);
    expect(isAvailable('online', { consent: true }, noon, false)).toBe(true);
  });

  it('polls only consenting people on platforms they did not opt out of', () => {
    expect(isMonitored(undefined, 'slack', true)).toBe(true);
    expect(isMonitored(undefined, 'slack', false)).toBe(false);
    expect(isMonitored({ optedOut: true, consent: true }, 'slack', true)).toBe(false);
    expect(isMonitored({ optedOutPlatforms: ['slack'] }, 'slack', true)).toBe(false);
    expect(isMonitored({ optedOutPlatforms: ['slack'] }, 'teams', true)).toBe(true);
  });
});
