import { InvalidInputError } from '@amo/presence-core';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';

// Monday 2025-01-06 is in winter: Berlin is UTC+1, Kolkata UTC+5:30 all year.
const MONDAY_0900_UTC = Date.UTC(2025, 0, 6, 9, 0, 0);
const HOUR = 3_600_000;

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('PatternRepository on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
    await opened.store.preferences.save('alice', {
      patternsOptIn: true,
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
    });
    await opened.store.preferences.save('bob', { patternsOptIn: false });
  });
  afterAll(async () => {
    await opened.close();
  });

  it('counts samples per UTC hour of the week for opted-in people only', async () => {
    const { patterns } = opened.store;
    const counted = await patterns.record([
      { userId: 'alice', at: MONDAY_0900_UTC, available: true },
      { userId: 'alice', at: new Date(MONDAY_0900_UTC + 10 * 60_000), available: false },
      { userId: 'alice', at: MONDAY_0900_UTC + 7 * 24 * HOUR, available: true },
      { userId: 'bob', at: MONDAY_0900_UTC, available: true },
      { userId: 'nobody', at: MONDAY_0900_UTC, available: true },
    ]);
    expect(counted).toBe(3);
    expect(await patterns.record([{ userId: 'alice', at: MONDAY_0900_UTC + HOUR, available: true }])).toBe(1);
    expect(await patterns.record([])).toBe(0);

    const utc = await patterns.read('alice', 'UTC');
    expect(utc.utcOffsetMinutes).toBe(0);
    expect(utc.hours).toHaveLength(168);
    expect(utc.hours[24 + 9]).toEqual({ dayOfWeek: 1, hour: 9, observed: 3, available: 2 });
    expect(utc.hours[24 + 10]).toEqual({ dayOfWeek: 1, hour: 10, observed: 1, available: 1 });
    expect((await patterns.read('bob')).hours.every((hour) => hour.observed === 0)).toBe(true);
  });

  it('converts to the person’s zone, or the one asked for, when read', async () => {
    const { patterns } = opened.store;
    const berlin = await patterns.read('alice');
    expect(berlin.timeZone).toBe('Europe/Berlin');
    expect(berlin.utcOffsetMinutes).toBe(60);
    expect(berlin.hours[24 + 10]).toMatchObject({ dayOfWeek: 1, hour: 10, observed: 3 });
    const kolkata = await patterns.read('alice', 'Asia/Kolkata');
    expect(kolkata.utcOffsetMinutes).toBe(330);
    expect(kolkata.hours[24 + 14]).toMatchObject({ hour: 14, observed: 3 });
    const la = await patterns.read('alice', 'America/Los_Angeles');
    expect(la.hours[24 + 1]).toMatchObject({ dayOfWeek: 1, hour: 1, observed: 3 });
    await expect(patterns.read('alice', 'Mars/Olympus')).rejects.toThrow(InvalidInputError);
  });

  it('clears', async () => {
    const { patterns } = opened.store;
    expect(await patterns.clear('alice')).toBe(2);
    expect((await patterns.read('alice')).hours.every((hour) => hour.observed === 0)).toBe(true);
  });
});
