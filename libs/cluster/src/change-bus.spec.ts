import { randomBytes } from 'node:crypto';
import { ChangeBus } from './change-bus';
import { BUS_TYPES, parseForget, parseReadings, readingsBody, toReading } from './change-bus.messages';
import { RedisLink } from './redis-link';
import { ThrowawayRedis } from './redis-link.spec-helper';

const url = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function eventually(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ChangeBus', () => {
  let links: RedisLink[] = [];
  let prefix: string;
  beforeEach(() => {
    prefix = `test:bus:${randomBytes(6).toString('hex')}:`;
  });
  afterEach(async () => {
    await Promise.all(links.map((link) => link.close()));
    links = [];
  });

  async function instance(id: string, errors: string[] = [], on: { url?: string; resubscribed?: (lostAt: number) => void } = {}): Promise<ChangeBus> {
    const link = new RedisLink({ url: on.url ?? url, keyPrefix: prefix });
    links.push(link);
    await link.ready();
    const bus = new ChangeBus(link, { instanceId: id, onError: (error) => errors.push(error.message), onResubscribed: on.resubscribed });
    await bus.start();
    return bus;
  }

  it('delivers each message to every other instance, in order, with its origin, and skips its own', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const c = await instance('c');
    const heard: Record<string, string[]> = { a: [], b: [], c: [] };
    for (const [name, bus] of Object.entries({ a, b, c })) {
      bus.on(BUS_TYPES.forget, parseForget, (body, origin) => heard[name].push(`${origin}:${body.userId}`));
    }
    for (let i = 0; i < 50; i++) a.publish(BUS_TYPES.forget, { userId: `person-${i}` });
    b.publish(BUS_TYPES.forget, { userId: 'from-b' });
    await eventually(() => heard.c.length === 51 && heard.b.length === 50 && heard.a.length === 1, 'every message heard');
    expect(heard.b).toEqual(Array.from({ length: 50 }, (_, i) => `a:person-${i}`));
    expect(heard.c.filter((line) => line.startsWith('a:'))).toEqual(heard.b);
    expect(heard.a).toEqual(['b:from-b']);
    await eventually(() => a.stats().ownSkipped === 50, 'a heard its own 50 back and skipped them');
    expect(a.stats()).toMatchObject({ published: 50, received: 1, malformed: 0 });
  });

  it('carries readings with every field, and the receiving side rebuilds the reading an adapter would have made', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const got: ReturnType<typeof parseReadings>[] = [];
    b.on(BUS_TYPES.readings, parseReadings, (readings) => got.push(readings));
    const record = {
      userId: 'alice',
      platform: 'discord' as const,
      status: 'busy' as const,
      lastUpdated: new Date(1_700_000_000_000),
      lastSeen: new Date(1_699_999_000_000),
      rawStatus: 'dnd',
      activity: 'Playing chess',
      customMessage: 'heads down',
      devices: { desktop: 'busy' as const, mobile: 'online' as const },
      expiresAt: new Date(1_700_003_600_000),
      sequence: '42',
      sequenceScope: 'session-1',
    };
    a.publish(BUS_TYPES.readings, readingsBody([{ userId: 'alice', accountId: '81726354', record, confirmedAt: 1_700_000_000_500 }]));
    await eventually(() => got.length === 1, 'readings heard');
    expect(got[0]).toEqual([{ userId: 'alice', accountId: '81726354', record, confirmedAt: 1_700_000_000_500 }]);
    const [{ accountId, record: received }] = got[0] ?? [];
    expect(toReading(accountId, received)).toEqual({
      platform: 'discord',
      accountId: '81726354',
      status: 'busy',
      observedAt: record.lastUpdated,
      lastSeen: record.lastSeen,
      rawStatus: 'dnd',
      activity: 'Playing chess',
      customMessage: 'heads down',
      devices: record.devices,
      expiresAt: record.expiresAt,
      sequence: '42',
      sequenceScope: 'session-1',
    });
  });

  it('drops and counts what is malformed, never crashes, and goes on delivering', async () => {
    const errors: string[] = [];
    const b = await instance('b', errors);
    const heard: string[] = [];
    b.on(BUS_TYPES.forget, parseForget, (body) => {
      if (body.userId === 'explode') throw new Error('handler broke');
      heard.push(body.userId);
    });
    const raw = links[0].commands;
    const garbage = [
      'not json',
      '42',
      'null',
      JSON.stringify({ t: 'forget', b: { userId: 'x' } }),
      JSON.stringify({ o: 'a', b: { userId: 'x' } }),
      JSON.stringify({ o: 'a', t: 'no-such-type', b: {} }),
      JSON.stringify({ o: 'a', t: 'forget', b: { userId: '' } }),
      JSON.stringify({ o: 'a', t: 'forget', b: { userId: 'x', platform: 'myspace' } }),
      JSON.stringify({ o: 'a', t: 'forget', b: null }),
    ];
    for (const text of garbage) await raw.publish(b.channel, text);
    await raw.publish(b.channel, JSON.stringify({ o: 'a', t: 'forget', b: { userId: 'explode' } }));
    await raw.publish(b.channel, JSON.stringify({ o: 'a', t: 'forget', b: { userId: 'still-here' } }));
    await eventually(() => heard.length === 1, 'the good message after the bad ones');
    expect(heard).toEqual(['still-here']);
    expect(b.stats()).toMatchObject({ malformed: garbage.length, failed: 1, received: 2 });
    expect(errors).toEqual(['handler broke']);
  });

  it('keeps readings that decode and drops a readings message with none', async () => {
    expect(parseReadings({ items: [] })).toEqual([]);
    expect(parseReadings({ items: [{ u: 'a', a: '1', c: 1, r: { platform: 'slack', status: 'gone', lastUpdated: 1 } }] })).toBeUndefined();
    const mixed = parseReadings({
      items: [
        { u: 'a', a: '1', c: 1, r: { platform: 'slack', status: 'online', lastUpdated: 1 } },
        { u: 'b', a: '2', c: 1, r: { platform: 'slack', status: 'online', lastUpdated: 'yesterday' } },
      ],
    });
    expect(mixed?.map((reading) => reading.userId)).toEqual(['a']);
    expect(parseReadings('items')).toBeUndefined();
  });

  it('says when its subscription is back after its connection was lost (what was published meanwhile never arrives), and delivers again', async () => {
    // A server of the test's own: the test cuts every subscriber connection on it.
    const redis = await ThrowawayRedis.start();
    try {
      const resubscribed: number[] = [];
      const a = await instance('a', [], { url: redis.url });
      const b = await instance('b', [], { url: redis.url, resubscribed: (lostAt) => resubscribed.push(lostAt) });
      const heard: string[] = [];
      b.on(BUS_TYPES.forget, parseForget, (body) => heard.push(body.userId));
      a.publish(BUS_TYPES.forget, { userId: 'before' });
      await eventually(() => heard.length === 1, 'the first message');
      expect(b.stats().resubscribed).toBe(0);

      // Both buses' subscriber connections are cut; a's command connection stays up and publishes to nobody.
      const commands = links[0].commands;
      const lost = Date.now();
      expect(await commands.client('KILL', 'TYPE', 'pubsub')).toBe(2);
      const during = JSON.stringify({ o: 'a', t: BUS_TYPES.forget, b: { userId: 'during' } });
      expect(await commands.publish(b.channel, during)).toBe(0);

      await eventually(() => resubscribed.length === 1, 'the subscription to be reported back');
      expect(resubscribed[0]).toBeGreaterThanOrEqual(lost);
      expect(resubscribed[0]).toBeLessThanOrEqual(Date.now());
      expect(b.stats().resubscribed).toBe(1);
      await eventually(() => a.stats().resubscribed === 1, "a's subscription too");

      // Delivered again once ioredis has re-subscribed; the message published while nobody listened never is.
      await eventually(() => {
        a.publish(BUS_TYPES.forget, { userId: 'after' });
        return heard.includes('after');
      }, 'a message after the cut');
      expect(heard.filter((userId) => userId !== 'after')).toEqual(['before']);
      expect(resubscribed).toHaveLength(1);
    } finally {
      await Promise.all(links.map((link) => link.close()));
      links = [];
      await redis.stop();
    }
  });

  it('counts a publish Redis could not take, without throwing', async () => {
    const errors: string[] = [];
    const link = new RedisLink({ url: 'redis://127.0.0.1:1', keyPrefix: prefix, commandTimeoutMs: 200 });
    links.push(link);
    const bus = new ChangeBus(link, { instanceId: 'down', onError: (error) => errors.push(error.message) });
    expect(() => bus.publish(BUS_TYPES.forget, { userId: 'x' })).not.toThrow();
    await eventually(() => bus.stats().publishFailures === 1, 'the failure counted');
    expect(errors).toHaveLength(1);
  });
});
