import { InvalidInputError } from '@amo/presence-core';
import { backends, type OpenedTestStore, openTestStore } from '../test-support/store.test-helpers';
import type { AuditEntry } from './audit.repository';

const DAY = 86_400_000;

describe.each(backends(process.env.PRESENCE_TEST_POSTGRES_URL))('AuditRepository on $name', (backend) => {
  let opened: OpenedTestStore;
  beforeAll(async () => {
    opened = await openTestStore(backend);
    const start = opened.clock.now() - 10 * DAY;
    const entries: AuditEntry[] = Array.from({ length: 25 }, (_, i) => ({
      userId: i % 2 === 0 ? 'alice' : 'bob',
      platform: 'slack',
      from: i === 0 ? null : 'away',
      to: 'online',
      at: new Date(start + i * (DAY / 2)),
    }));
    expect(await opened.store.audit.record(entries)).toBe(25);
    expect(await opened.store.audit.record([])).toBe(0);
  });
  afterAll(async () => {
    await opened.close();
  });

  it('pages newest first with a cursor, filtered by person and time', async () => {
    const { audit } = opened.store;
    const first = await audit.list({ userId: 'alice', limit: 5 });
    expect(first.items).toHaveLength(5);
    expect(first.items.every((item) => item.userId === 'alice')).toBe(true);
    expect(first.items[0].at.getTime()).toBeGreaterThan(first.items[4].at.getTime());
    const seen = [...first.items];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await audit.list({ userId: 'alice', limit: 5, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(13);
    expect(new Set(seen.map((item) => item.id)).size).toBe(13);
    expect(seen[12]).toMatchObject({ from: null, to: 'online', platform: 'slack' });

    const since = new Date(opened.clock.now() - 2 * DAY);
    const recent = await audit.list({ since });
    expect(recent.items.every((item) => item.at >= since)).toBe(true);
    expect(recent.items.length).toBe(9);
    expect(recent.nextCursor).toBeUndefined();
  });

  it('rejects bad paging input with a typed error', async () => {
    const { audit } = opened.store;
    await expect(audit.list({ limit: 0 })).rejects.toThrow(InvalidInputError);
    await expect(audit.list({ limit: 1001 })).rejects.toThrow(InvalidInputError);
    await expect(audit.list({ cursor: 'garbage' })).rejects.toThrow(InvalidInputError);
    await expect(audit.list({ since: new Date('nope') })).rejects.toThrow(InvalidInputError);
    await expect(audit.purge(-1)).rejects.toThrow(InvalidInputError);
  });

  it('purges entries older than the retention period', async () => {
    const { audit } = opened.store;
    expect(await audit.count()).toBe(25);
    const purged = await audit.purge(7);
    expect(purged).toBe(6);
    expect(await audit.count()).toBe(19);
    expect(await audit.count('alice')).toBe(10);
    const oldest = (await audit.list({ limit: 1000 })).items.at(-1);
    expect(oldest?.at.getTime()).toBeGreaterThanOrEqual(opened.clock.now() - 7 * DAY);
    expect(await audit.purge()).toBe(0);
  });
});
