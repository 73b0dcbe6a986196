import { HOURS_PER_WEEK } from './local-time';
import { type HourOfWeekTime, type SuggestionPerson, suggestMeetingSlots } from './suggestions';

const HOUR_S = 3600;
const TUESDAY = 2;
const ALL_DAY = { start: '00:00', end: '24:00', days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const };

/** Weeks of history: every hour observed `weeks` times; `available(hourOfWeek)` is the share of them available. */
function history(weeks: number, available: (day: number, hour: number) => number): HourOfWeekTime[] {
  return Array.from({ length: HOURS_PER_WEEK }, (_, index) => ({
    observedSeconds: weeks * HOUR_S,
    availableSeconds: weeks * HOUR_S * available(Math.floor(index / 24), index % 24),
  }));
}

/** Always available Tuesdays 10:00-11:00, never at 15:00, half the time otherwise. */
const tuesdayTen = (weeks = 8): HourOfWeekTime[] =>
  history(weeks, (day, hour) => (day === TUESDAY && hour === 10 ? 1 : hour === 15 ? 0 : 0.5));

const person = (userId: string, timeZone: string, hours: HourOfWeekTime[] | null, extra: Partial<SuggestionPerson> = {}): SuggestionPerson => ({
  userId,
  timeZone,
  history: hours,
  ...extra,
});

describe('suggestMeetingSlots', () => {
  const monday = Date.parse('2026-01-12T08:00:00Z');

  it('two people always available Tuesdays 10:00-11:00 and never at 15:00: Tuesday 10:00 first', () => {
    const result = suggestMeetingSlots({
      people: [person('ann', 'UTC', tuesdayTen()), person('ben', 'UTC', tuesdayTen())],
      nowMs: monday,
      durationMinutes: 60,
      withinDays: 7,
      timeZone: 'UTC',
      limit: 50,
    });
    expect(result.unknown).toEqual([]);
    expect(result.slots[0]).toMatchObject({ start: '2026-01-13T10:00:00.000Z', end: '2026-01-13T11:00:00.000Z' });
    // (8 + 0.5 * 4) / (8 + 4) per person, multiplied
    expect(result.slots[0].probability).toBeCloseTo((10 / 12) ** 2, 3);
    expect(result.slots[0].people).toEqual([
      { userId: 'ann', probability: 0.833, observedHours: 8 },
      { userId: 'ben', probability: 0.833, observedHours: 8 },
    ]);
    const at15 = result.slots.filter((slot) => new Date(slot.start).getUTCHours() === 15);
    const others = result.slots.filter((slot) => new Date(slot.start).getUTCHours() !== 15);
    expect(Math.max(...at15.map((slot) => slot.probability))).toBeLessThan(Math.min(...others.map((slot) => slot.probability)));
  });

  it('a person in another time zone shifts the answer to their 10:00', () => {
    const result = suggestMeetingSlots({
      people: [person('nyc', 'America/New_York', tuesdayTen())],
      nowMs: monday,
      durationMinutes: 60,
      withinDays: 7,
      timeZone: 'UTC',
      workingHours: { ...ALL_DAY, days: [...ALL_DAY.days] },
    });
    expect(result.slots[0].start).toBe('2026-01-13T15:00:00.000Z'); // 10:00 EST
  });

  it('working hours are read in the request zone', () => {
    // 09:00-17:00 in Tokyo is 00:00-08:00 UTC: the New Yorker's 10:00 (15:00Z) is outside
    const result = suggestMeetingSlots({
      people: [person('nyc', 'America/New_York', tuesdayTen())],
      nowMs: monday,
      durationMinutes: 60,
      withinDays: 7,
      timeZone: 'Asia/Tokyo',
      limit: 50,
    });
    for (const slot of result.slots) {
      const tokyoHour = (new Date(slot.start).getUTCHours() + 9) % 24;
      expect(tokyoHour).toBeGreaterThanOrEqual(9);
      expect(tokyoHour).toBeLessThan(17);
    }
  });

  it('across a DST week boundary the person’s 10:00 moves in UTC (Berlin springs forward on 2026-03-29)', () => {
    const result = suggestMeetingSlots({
      people: [person('ber', 'Europe/Berlin', tuesdayTen())],
      nowMs: Date.parse('2026-03-23T00:00:00Z'),
      durationMinutes: 60,
      withinDays: 14,
      timeZone: 'UTC',
      workingHours: { ...ALL_DAY, days: [...ALL_DAY.days] },
      limit: 2,
    });
    expect(result.slots.map((slot) => slot.start)).toEqual(['2026-03-24T09:00:00.000Z', '2026-03-31T08:00:00.000Z']);
  });

  it('slot starts follow the request zone’s half hours across its own DST change', () => {
    const result = suggestMeetingSlots({
      people: [person('ber', 'Europe/Berlin', tuesdayTen())],
      nowMs: Date.parse('2026-03-23T00:00:00Z'),
      durationMinutes: 60,
      withinDays: 14,
      timeZone: 'Europe/Berlin',
      limit: 2,
    });
    expect(result.slots.map((slot) => slot.start)).toEqual(['2026-03-24T09:00:00.000Z', '2026-03-31T08:00:00.000Z']);
  });

  it('a person with a day of history ranks with low confidence', () => {
    // One Tuesday observed: each hour once, available only 10:00-11:00
    const oneDay = Array.from({ length: HOURS_PER_WEEK }, (_, index) =>
      Math.floor(index / 24) === TUESDAY ? { observedSeconds: HOUR_S, availableSeconds: index % 24 === 10 ? HOUR_S : 0 } : { observedSeconds: 0, availableSeconds: 0 },
    );
    const run = (hours: HourOfWeekTime[]) =>
      suggestMeetingSlots({ people: [person('p', 'UTC', hours)], nowMs: monday, durationMinutes: 60, withinDays: 7, timeZone: 'UTC' }).slots[0];
    const short = run(oneDay);
    const long = run(history(8, (day, hour) => (day === TUESDAY && hour === 10 ? 1 : 0)));
    expect(short.start).toBe('2026-01-13T10:00:00.000Z');
    expect(short.people[0]).toEqual({ userId: 'p', probability: 0.6, observedHours: 1 }); // (1 + 2) / (1 + 4)
    expect(long.people[0].probability).toBeCloseTo(10 / 12, 3);
    expect(short.probability).toBeLessThan(long.probability);
  });

  it('names people without opt-in or enough history in unknown and leaves them out of the product', () => {
    const result = suggestMeetingSlots({
      people: [person('ann', 'UTC', tuesdayTen()), person('new', 'UTC', null), person('tiny', 'UTC', history(0, () => 0))],
      nowMs: monday,
      durationMinutes: 60,
      withinDays: 7,
      timeZone: 'UTC',
    });
    expect(result.unknown).toEqual(['new', 'tiny']);
    expect(result.slots[0].people.map((entry) => entry.userId)).toEqual(['ann']);
    expect(suggestMeetingSlots({ people: [person('new', 'UTC', null)], nowMs: monday, durationMinutes: 30, withinDays: 1, timeZone: 'UTC' })).toEqual({ slots: [], unknown: ['new'] });
  });

  it('never proposes a slot inside someone’s quiet hours, and returned slots do not overlap', () => {
    const quiet = { start: '10:00', end: '11:00', timeZone: 'UTC' };
    const result = suggestMeetingSlots({
      people: [person('ann', 'UTC', tuesdayTen()), person('ben', 'UTC', tuesdayTen(), { quietHours: quiet })],
      nowMs: monday,
      durationMinutes: 90,
      withinDays: 7,
      timeZone: 'UTC',
      limit: 20,
    });
    expect(result.slots.length).toBe(20);
    for (const slot of result.slots) {
      const start = Date.parse(slot.start) % 86_400_000;
      const end = Date.parse(slot.end) % 86_400_000;
      expect(end <= 10 * HOUR_S * 1000 || start >= 11 * HOUR_S * 1000).toBe(true);
    }
    const sorted = [...result.slots].sort((a, b) => a.start.localeCompare(b.start));
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].start >= sorted[i - 1].end).toBe(true);
  });

  it('quiet hours that wrap midnight are read in their own zone', () => {
    const night = { start: '22:00', end: '07:00', timeZone: 'America/New_York' };
    const result = suggestMeetingSlots({
      people: [person('nyc', 'UTC', history(8, () => 1), { quietHours: night })],
      nowMs: monday,
      durationMinutes: 30,
      withinDays: 2,
      timeZone: 'UTC',
      workingHours: { ...ALL_DAY, days: [...ALL_DAY.days] },
      limit: 96,
    });
    const newYorkHours = new Set(result.slots.map((slot) => (new Date(slot.start).getUTCHours() + 24 - 5) % 24));
    expect([...newYorkHours].sort((a, b) => a - b)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });

  it('keeps slot order stable when nothing differs: earlier first', () => {
    const result = suggestMeetingSlots({ people: [person('p', 'UTC', history(8, () => 1))], nowMs: monday, durationMinutes: 60, withinDays: 1, timeZone: 'UTC', limit: 2 });
    expect(result.slots.map((slot) => slot.start)).toEqual(['2026-01-12T09:00:00.000Z', '2026-01-12T10:00:00.000Z']);
  });
});
