import type { PresenceData } from '@amo/presence-core';
import { backends, openTestStore } from './test-support/store.test-helpers';

const record = (status: PresenceData['status']): PresenceData => ({ userId: 'a', platform: 'slack', status, lastUpdated: new Date(1) });

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('PresenceBatchWriter on $name', (backend) => {
  it('coalesces snapshots, writes everything in one flush, and starts empty again', async () => {
    const opened = await openTestStore(backend);
    try {
      const { store } = opened;
      await store.preferences.save('a', { patternsOptIn: true });
      const batch = store.createBatch();
      expect(await batch.flush()).toEqual({ snapshots: 0, auditEntries: 0, patternHours: 0 });
      batch
        .snapshot('a', record('online'), 1)
        .snapshot('a', record('away'), 2)
        .change({ userId: 'a', platform: 'slack', from: 'online', to: 'away', at: new Date(2) })
        .time({ userId: 'a', localHour: 10, availableSeconds: 0, observedSeconds: 60 });
      expect(batch.pending).toBe(3);
      expect(await batch.flush()).toEqual({ snapshots: 1, auditEntries: 1, patternHours: 1 });
      expect(batch.pending).toBe(0);
      expect((await store.snapshots.forPerson('a'))[0]).toMatchObject({ confirmedAt: 2, record: { status: 'away' } });
    } finally {
      await opened.close();
    }
  });

  it('keeps what it could not write, for the next flush', async () => {
    const opened = await openTestStore(backend);
    const { store } = opened;
    const batch = store.createBatch();
    batch.snapshot('a', record('online'), 1).change({ userId: 'a', platform: 'slack', from: null, to: 'online', at: new Date(1) });
    await store.dataSource.destroy();
    await expect(batch.flush()).rejects.toThrow();
    batch.snapshot('a', record('busy'), 3).snapshot('b', { ...record('idle'), userId: 'b' }, 3);
    expect(batch.pending).toBe(3);
    await opened.database.cleanup();
  });
});
