import { InvalidInputError } from '@amo/presence-core';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';
import type { OutboundEventInput } from './outbound-event.repository';

const event = (n: number, userId?: string): OutboundEventInput => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  orderKey: userId ? `person:${userId}` : 'platform:slack',
  userId,
  type: userId ? 'aggregate.changed' : 'platform.changed',
  body: JSON.stringify({ n }),
});

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('OutboundEventRepository on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeEach(async () => {
    opened = await openTestStore(backend);
  });
  afterEach(async () => {
    await opened.close();
  });

  it('hands out only the first pending event of each order key, soonest attempt first', async () => {
    const { outbound } = opened.store;
    await outbound.enqueue([event(1, 'ann'), event(2, 'bob'), event(3, 'ann'), event(4), event(5, 'bob')]);
    const heads = await outbound.heads(10);
    expect(heads.map((head) => head.eventId.slice(-1))).toEqual(['1', '2', '4']);
    expect(heads[0]).toMatchObject({ userId: 'ann', type: 'aggregate.changed', body: '{"n":1}', attempts: 0, state: 'pending', lastError: null });
    expect(heads[0].nextAttemptAt).toEqual(new Date(opened.clock.now()));

    // A retried head keeps its place in its key: bob's second event waits behind it.
    await outbound.retryLater(heads[1].seq, 1, opened.clock.now() + 5_000, 'HTTP 500');
    expect((await outbound.heads(10)).map((head) => head.eventId.slice(-1))).toEqual(['1', '4', '2']);
    expect((await outbound.heads(10, new Set(['person:ann']))).map((head) => head.eventId.slice(-1))).toEqual(['4', '2']);
    expect(await outbound.heads(1, new Set(['person:ann']))).toHaveLength(1);

    expect(await outbound.delivered(heads[0].seq)).toBe(true);
    expect(await outbound.delivered(heads[0].seq)).toBe(false);
    const after = await outbound.heads(10);
    expect(after.map((head) => head.eventId.slice(-1))).toEqual(['3', '4', '2']);
    expect(after[2]).toMatchObject({ attempts: 1, lastError: 'HTTP 500' });
  });

  it('keeps a dropped delivery as a record and lets the key go on; purges it after the retention', async () => {
    const { outbound } = opened.store;
    await outbound.enqueue([event(1, 'ann'), event(2, 'ann')]);
    const [head] = await outbound.heads(10);
    expect(await outbound.drop(head.seq, 8, 'timed out after 10000 ms')).toBe(true);
    expect((await outbound.heads(10)).map((next) => next.eventId.slice(-1))).toEqual(['2']);
    const dropped = await outbound.dropped();
    expect(dropped.items).toEqual([
      expect.objectContaining({ eventId: head.eventId, state: 'dropped', attempts: 8, lastError: 'timed out after 10000 ms', droppedAt: new Date(opened.clock.now()) }),
    ]);
    expect(await outbound.count()).toBe(1);
    expect(await outbound.count('dropped')).toBe(1);
    expect(await outbound.purgeDropped(7)).toBe(0);
    opened.clock.advance(8 * 86_400_000);
    expect(await outbound.purgeDropped(7)).toBe(1);
    expect(await outbound.count('dropped')).toBe(0);
    await expect(outbound.purgeDropped(-1)).rejects.toThrow(InvalidInputError);
  });

  it('pages dropped deliveries newest first', async () => {
    const { outbound } = opened.store;
    await outbound.enqueue([event(1, 'a'), event(2, 'b'), event(3, 'c')]);
    for (const head of await outbound.heads(10)) await outbound.drop(head.seq, 1, 'x');
    const first = await outbound.dropped({ limit: 2 });
    expect(first.items.map((item) => item.userId)).toEqual(['c', 'b']);
    const second = await outbound.dropped({ limit: 2, cursor: first.nextCursor });
    expect(second).toEqual({ items: [expect.objectContaining({ userId: 'a' })] });
  });

  it('forgets a person: their queued and dropped deliveries go, the others stay; erasure does the same', async () => {
    const { outbound, personData } = opened.store;
    await outbound.enqueue([event(1, 'ann'), event(2, 'ann'), event(3, 'bob'), event(4), event(5, 'cid')]);
    const [annHead] = await outbound.heads(10);
    await outbound.drop(annHead.seq, 8, 'x');
    expect(await outbound.forget(['ann'])).toBe(2);
    expect((await outbound.heads(10)).map((head) => head.userId)).toEqual(['bob', null, 'cid']);
    expect(await outbound.retryLater(annHead.seq, 1, 0, 'x')).toBe(false);
    expect((await personData.erase('bob')).deleted.outbound_event).toBe(1);
    expect((await outbound.heads(10)).map((head) => head.userId)).toEqual([null, 'cid']);
    expect(await outbound.forget([])).toBe(0);
  });

  it('survives reopening the database: what was queued is still queued, in order', async () => {
    await opened.store.outbound.enqueue([event(1, 'ann'), event(2, 'ann')]);
    await opened.store.close();
    const { openStore } = await import('../open-store');
    const reopened = await openStore({ database: opened.database.config, encryptionKey: undefined });
    try {
      const [head] = await reopened.outbound.heads(10);
      expect(head.eventId.slice(-1)).toBe('1');
      await reopened.outbound.delivered(head.seq);
      expect((await reopened.outbound.heads(10))[0].eventId.slice(-1)).toBe('2');
    } finally {
      await reopened.close();
    }
  });
});
