import { HOUR_MS, localHourAt } from '@amo/presence-core';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';

const TUESDAY_10 = localHourAt('UTC', Date.UTC(2024, 11, 31, 10)); // Tuesday 2024-12-31 10:00
const WEEK = 168;
const TUESDAY_10_OF_WEEK = 2 * 24 + 10;

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('PatternRepository on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
    await opened.store.preferences.save('alice', { patternsOptIn: true });
    await opened.store.preferences.save('carol', { patternsOptIn: true });
    await opened.store.preferences.save('bob', { patternsOptIn: false });
  });
  afterAll(async () => {
    await opened.close();
  });

  it('adds seconds per local hour for opted-in people only, and folds the weeks onto one when read', async () => {
    const { patterns } = opened.store;
    const written = await patterns.record([
      { userId: 'alice', localHour: TUESDAY_10, availableSeconds: 1800, observedSeconds: 3600 },
      { userId: 'alice', localHour: TUESDAY_10 - WEEK, availableSeconds: 3600, observedSeconds: 3600 },
      { userId: 'bob', localHour: TUESDAY_10, availableSeconds: 3600, observedSeconds: 3600 },
      { userId: 'nobody', localHour: TUESDAY_10, availableSeconds: 3600, observedSeconds: 3600 },
    ]);
    expect(written).toBe(2);
    // A later write of the same hour adds to it (the hour was closed early, then continued).
    expect(await patterns.record([{ userId: 'alice', localHour: TUESDAY_10, availableSeconds: 600, observedSeconds: 600 }])).toBe(1);
    expect(await patterns.record([])).toBe(0);

    const alice = await patterns.read('alice');
    expect(alice.hours).toHaveLength(WEEK);
    expect(alice.hours[TUESDAY_10_OF_WEEK]).toEqual({ dayOfWeek: 2, hour: 10, availableSeconds: 6000, observedSeconds: 7800 });
    expect(alice.observedSeconds).toBe(7800);
    expect((await patterns.read('bob')).observedSeconds).toBe(0);
  });

  it('reads several people at once; people without time are absent', async () => {
    const { patterns } = opened.store;
    await patterns.record([{ userId: 'carol', localHour: TUESDAY_10 + 5, availableSeconds: 0, observedSeconds: 3600 }]);
    const many = await patterns.readMany(['alice', 'carol', 'bob', 'alice']);
    expect([...many.keys()].sort()).toEqual(['alice', 'carol']);
    expect(many.get('carol')?.hours[TUESDAY_10_OF_WEEK + 5]).toMatchObject({ availableSeconds: 0, observedSeconds: 3600 });
  });

  it('purges hours older than the retention period', async () => {
    const { patterns } = opened.store;
    const now = Math.floor(opened.clock.now() / HOUR_MS);
    await patterns.record([
      { userId: 'carol', localHour: now - 1, availableSeconds: 60, observedSeconds: 60 },
      { userId: 'carol', localHour: now - 10 * 24, availableSeconds: 60, observedSeconds: 60 },
    ]);
    const before = (await patterns.read('carol')).observedSeconds;
    expect(await patterns.purge(7)).toBeGreaterThanOrEqual(1);
    expect((await patterns.read('carol')).observedSeconds).toBe(before - 60);
    await expect(patterns.purge(-1)).rejects.toThrow(/retentionDays/);
  });

  it('clears', async () => {
    const { patterns } = opened.store;
    expect(await patterns.clear('carol')).toBe(2);
    expect((await patterns.read('carol')).observedSeconds).toBe(0);
  });
});
