import { InvalidInputError, type PresenceData } from '@amo/presence-core';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';

function record(platform: PresenceData['platform']): PresenceData {
  return { userId: 'x', platform, status: 'online', lastUpdated: new Date(1000) };
}

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('PreferencesRepository on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend, { consentDefault: true });
  });
  afterAll(async () => {
    await opened.close();
  });

  it('round-trips core’s PersonPreferences and resolves consent with the default', async () => {
    const { preferences } = opened.store;
    expect(await preferences.get('alice')).toBeUndefined();
    expect(await preferences.effective('alice')).toEqual({ consent: true });
    const result = await preferences.save('alice', {
      policy: 'busy-wins',
      preferredPlatforms: ['teams', 'slack', 'teams'],
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
      patternsOptIn: true,
    });
    const expected = {
      optedOut: false,
      optedOutPlatforms: [],
      policy: 'busy-wins',
      preferredPlatforms: ['teams', 'slack'],
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
      patternsOptIn: true,
    };
    expect(result).toEqual({ preferences: expected, forgottenPlatforms: [], forgetAll: false, patternsCleared: false });
    expect(await preferences.get('alice')).toEqual(expected);
    expect((await preferences.effective('alice')).consent).toBe(true);
    expect(preferences.consentDefault).toBe(true);
    expect((await preferences.loadAll()).get('alice')).toEqual(expected);
  });

  it('applies opt-outs at once: stored presence and patterns go in the same transaction', async () => {
    const { preferences, snapshots, patterns } = opened.store;
    await preferences.save('bob', { patternsOptIn: true });
    await snapshots.saveBatch(
      (['slack', 'teams', 'zoom'] as const).map((platform) => ({ userId: 'bob', record: record(platform), confirmedAt: 1000 })),
    );
    expect(await patterns.record([{ userId: 'bob', localHour: 0, availableSeconds: 60, observedSeconds: 60 }])).toBe(1);

    const perPlatform = await preferences.update('bob', { optedOutPlatforms: ['zoom'] });
    expect(perPlatform.forgottenPlatforms).toEqual(['zoom']);
    expect(perPlatform.forgetAll).toBe(false);
    expect((await snapshots.forPerson('bob')).map((entry) => entry.record.platform)).toEqual(['slack', 'teams']);
    expect(perPlatform.preferences.patternsOptIn).toBe(true);

    const out = await preferences.update('bob', { optedOut: true, patternsOptIn: false });
    expect(out.forgetAll).toBe(true);
    expect(out.patternsCleared).toBe(true);
    expect(await snapshots.forPerson('bob')).toEqual([]);
    expect((await patterns.read('bob')).observedSeconds).toBe(0);
  });

  it('treats withdrawn consent like an opt-out', async () => {
    const { preferences, snapshots } = opened.store;
    await snapshots.saveBatch([{ userId: 'carol', record: record('discord'), confirmedAt: 1000 }]);
    const result = await preferences.save('carol', { consent: false });
    expect(result.forgetAll).toBe(true);
    expect(await snapshots.forPerson('carol')).toEqual([]);
    expect(await preferences.get('carol')).toMatchObject({ consent: false });
  });

  it('rejects malformed preferences with a typed error', async () => {
    const { preferences } = opened.store;
    const bad: unknown[] = [
      { consent: 'yes' },
      { optedOut: 1 },
      { patternsOptIn: 'true' },
      { optedOutPlatforms: ['myspace'] },
      { preferredPlatforms: 'slack' },
      { policy: 'loudest-wins' },
      { quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } },
      { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } },
    ];
    for (const prefs of bad) await expect(preferences.save('dave', prefs as never)).rejects.toThrow(InvalidInputError);
    expect(await preferences.get('dave')).toBeUndefined();
  });

  it('deletes', async () => {
    const { preferences } = opened.store;
    await preferences.save('erin', {});
    expect(await preferences.delete('erin')).toBe(true);
    expect(await preferences.delete('erin')).toBe(false);
  });

  it('uses a configured default of no consent', async () => {
    const strict = await openTestStore(backend, { consentDefault: false });
    try {
      expect(await strict.store.preferences.effective('x')).toEqual({ consent: false });
      const result = await strict.store.preferences.save('x', { preferredPlatforms: ['slack'] });
      expect(result.forgetAll).toBe(true);
      expect((await strict.store.preferences.update('x', { consent: true })).forgetAll).toBe(false);
    } finally {
      await strict.close();
    }
  });
});
