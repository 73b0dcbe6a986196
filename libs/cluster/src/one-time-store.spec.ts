import { OneTimeStore } from './one-time-store';
import { RedisLink } from './redis-link';
import { eventually, keysUnder, openTestLink, disposeLink } from './redis-link.spec-helper';

const url = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('OneTimeStore', () => {
  let a: RedisLink;
  let b: RedisLink;
  beforeEach(async () => {
    a = await openTestLink(url, 'once');
    // A second instance: its own connection, the same cluster (prefix).
    b = new RedisLink({ url, keyPrefix: a.prefix });
    await b.ready();
  });
  afterEach(async () => {
    await b.close();
    await disposeLink(a);
  });

  it('hands a value put on one instance to a take on another, exactly once', async () => {
    const onA = new OneTimeStore(a, 'oauth-state');
    const onB = new OneTimeStore(b, 'oauth-state');
    await onA.put('s1', '{"platform":"slack"}', 60_000);
    expect(await onB.peek('s1')).toBe('{"platform":"slack"}');
    const takes = await Promise.all([onB.take('s1'), onA.take('s1'), onB.take('s1')]);
    expect(takes.filter((value) => value !== undefined)).toEqual(['{"platform":"slack"}']);
    expect(await onA.take('s1')).toBeUndefined();
    expect(await keysUnder(a)).toEqual([]);
  });

  it('forgets a value after its TTL (Redis expires it)', async () => {
    const store = new OneTimeStore(a, 'oauth-state');
    await store.put('short', 'v', 30);
    await store.put('long', 'v', 60_000);
    await eventually(async () => (await store.peek('short')) === undefined, 2_000, 'the short value to expire');
    expect(await store.take('short')).toBeUndefined();
    expect(await store.take('long')).toBe('v');
  });

  it('grants a claim to one of many concurrent claimers across instances, until it expires', async () => {
    const stores = [new OneTimeStore(a, 'webhook-delivery'), new OneTimeStore(b, 'webhook-delivery')];
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2].claimOnce('delivery-1', 50)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await stores[1].claimOnce('delivery-2', 60_000)).toBe(true);
    await eventually(() => stores[0].claimOnce('delivery-1', 60_000), 2_000, 'the expired claim to be granted again');
    expect(await stores[1].claimOnce('delivery-1', 60_000)).toBe(false);
  });

  it('settles a held claim with a value, and releases one so it may be claimed again', async () => {
    const store = new OneTimeStore(a, 'webhook-delivery');
    expect(await store.settle('d', 'reply', 60_000)).toBe(false);
    expect(await store.claimOnce('d', 60_000, 'pending')).toBe(true);
    expect(await store.peek('d')).toBe('pending');
    expect(await store.settle('d', 'reply', 60_000)).toBe(true);
    expect(await store.peek('d')).toBe('reply');
    expect(await store.claimOnce('d', 60_000)).toBe(false);
    await store.release('d');
    expect(await store.claimOnce('d', 60_000)).toBe(true);
    expect(await keysUnder(a)).toEqual(['webhook-delivery:d']);
  });
});
