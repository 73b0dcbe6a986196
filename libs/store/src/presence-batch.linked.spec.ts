import type { PresenceData } from '@amo/presence-core';
import { checkIntegrity } from './integrity';
import { backends, openTestStore } from './test-support/store.test-helpers';

const record = (userId: string, status: PresenceData['status'] = 'online'): PresenceData => ({ userId, platform: 'slack', status, lastUpdated: new Date(1) });

/**
 * The service's flushes (`linkedOnly`): a record taken for a flush before its account's link went (an unlink, a
 * replaced account, an erasure) is not written back after that commit. The kill -9 e2e found such rows: the
 * service's flush had taken the record, a PUT identities removed the link, and the flush wrote it after.
 */
describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('PresenceBatchWriter linkedOnly on $name', (backend) => {
  it('writes the linked account, and nothing for one unlinked, replaced or erased before the transaction', async () => {
    const opened = await openTestStore(backend);
    try {
      const { store, clock } = opened;
      for (const userId of ['kept', 'unlinked', 'replaced', 'erased']) await store.identities.link(userId, 'slack', `U-${userId}`);
      const confirmedAt = clock.now();
      const batch = store.createBatch({ linkedOnly: true });
      for (const userId of ['kept', 'unlinked', 'replaced', 'erased', 'never-linked']) batch.snapshot(userId, record(userId), confirmedAt);
      batch.change({ userId: 'unlinked', platform: 'slack', from: null, to: 'online', at: new Date(1) });

      // What commits while the flush holds those records: the links go, or are another account's from now on.
      clock.advance(1000);
      await store.identities.replace('unlinked', {});
      await store.identities.replace('replaced', { slack: 'U-someone-else' });
      await store.personData.erase('erased');

      expect(await batch.flush()).toEqual({ snapshots: 1, auditEntries: 1, patternHours: 0 });
      const stored = await store.snapshots.load();
      expect(stored.map((entry) => entry.userId)).toEqual(['kept']);
      expect((await checkIntegrity(store.dataSource)).problems).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it('writes a record confirmed at the moment of its link, and every snapshot without the option', async () => {
    const opened = await openTestStore(backend);
    try {
      const { store, clock } = opened;
      await store.identities.link('a', 'slack', 'U-a');
      expect(await store.createBatch({ linkedOnly: true }).snapshot('a', record('a'), clock.now()).flush()).toMatchObject({ snapshots: 1 });
      expect(await store.createBatch().snapshot('b', record('b'), clock.now()).flush()).toMatchObject({ snapshots: 1 });
      expect((await store.snapshots.load()).map((entry) => entry.userId)).toEqual(['a', 'b']);
    } finally {
      await opened.close();
    }
  });
});
