import { randomBytes } from 'node:crypto';
import { Lease, LeaseKeeper, type LeaseTimers } from './lease';
import { RedisLink } from './redis-link';

const url = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Time that moves only when the test says: due callbacks run in order of their due time. */
class FakeTimers implements LeaseTimers {
  private at = 1_000_000;
  private seq = 0;
  private readonly pending = new Map<number, { due: number; callback: () => void }>();

  now(): number {
    return this.at;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { due: this.at + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves time forward, running what falls due (and what those schedule, if due too). */
  advance(ms: number): void {
    const until = this.at + ms;
    for (;;) {
      const next = [...this.pending.entries()].filter(([, t]) => t.due <= until).sort((a, b) => a[1].due - b[1].due)[0];
      if (!next) break;
      this.pending.delete(next[0]);
      this.at = Math.max(this.at, next[1].due);
      next[1].callback();
    }
    this.at = until;
  }
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Lease', () => {
  let link: RedisLink;
  beforeEach(async () => {
    link = new RedisLink({ url, keyPrefix: `test:lease:${randomBytes(6).toString('hex')}:` });
    await link.ready();
  });
  afterEach(async () => {
    const keys = await link.commands.keys(`${link.prefix}*`);
    if (keys.length > 0) await link.commands.del(...keys);
    await link.close();
  });

  it('is taken by one holder at a time, with the ttl, and says who holds it', async () => {
    const a = new Lease(link, 'discord:shard:0', { holder: 'instance-a', ttlMs: 5000 });
    const b = new Lease(link, 'discord:shard:0', { holder: 'instance-b', ttlMs: 5000 });
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await b.owner()).toBe('instance-a');
    const ttl = await link.commands.pttl(a.key);
    expect(ttl).toBeGreaterThan(4000);
    expect(ttl).toBeLessThanOrEqual(5000);
    expect(a.key).toBe(link.key('lease', 'discord:shard:0'));
  });

  it('is renewed and released only by the object that holds its token', async () => {
    const a = new Lease(link, 'graph', { holder: 'same-id', ttlMs: 5000 });
    const restarted = new Lease(link, 'graph', { holder: 'same-id', ttlMs: 5000 });
    expect(await a.acquire()).toBe(true);
    await link.commands.pexpire(a.key, 1000);
    expect(await restarted.renew()).toBe(false);
    expect(await restarted.release()).toBe(false);
    expect(await link.commands.pttl(a.key)).toBeLessThanOrEqual(1000);
    expect(await a.renew()).toBe(true);
    expect(await link.commands.pttl(a.key)).toBeGreaterThan(4000);
    expect(await a.release()).toBe(true);
    expect(await a.owner()).toBeNull();
    expect(await restarted.acquire()).toBe(true);
  });
});

describe('LeaseKeeper', () => {
  let link: RedisLink;
  const keepers: LeaseKeeper[] = [];
  beforeEach(async () => {
    link = new RedisLink({ url, keyPrefix: `test:keeper:${randomBytes(6).toString('hex')}:` });
    await link.ready();
  });
  afterEach(async () => {
    await Promise.all(keepers.splice(0).map((keeper) => keeper.stop()));
    const keys = await link.commands.keys(`${link.prefix}*`);
    if (keys.length > 0) await link.commands.del(...keys);
    await link.close();
  });

  function keeper(holder: string, timers: FakeTimers, ttlMs = 30_000, target = link): { keeper: LeaseKeeper; events: string[] } {
    const events: string[] = [];
    const made = new LeaseKeeper(target, 'discord:shard:0', { holder, ttlMs, timers });
    made.on('acquired', () => events.push('acquired'));
    made.on('lost', () => events.push('lost'));
    keepers.push(made);
    return { keeper: made, events };
  }

  it('acquires at once and renews at a third of the ttl', async () => {
    const timers = new FakeTimers();
    const { keeper: a, events } = keeper('a', timers);
    a.start();
    timers.advance(0);
    await eventually(() => a.holding, 'acquired');
    expect(events).toEqual(['acquired']);
    // Shorten the server's ttl: only a renewal brings it back to 30 s.
    await link.commands.pexpire(a.lease.key, 15_000);
    timers.advance(9_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await link.commands.pttl(a.lease.key)).toBeLessThanOrEqual(15_000);
    timers.advance(1);
    await eventually(async () => (await link.commands.pttl(a.lease.key)) > 20_000, 'renewed after ttl/3');
    expect(events).toEqual(['acquired']);
  });

  it('waits while another instance holds it, and takes over when that one stops (released, not expired)', async () => {
    const timersA = new FakeTimers();
    const timersB = new FakeTimers();
    const { keeper: a } = keeper('a', timersA);
    const { keeper: b, events: eventsB } = keeper('b', timersB);
    a.start();
    timersA.advance(0);
    await eventually(() => a.holding, 'a acquired');
    b.start();
    timersB.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(b.holding).toBe(false);
    await a.stop();
    expect(await a.lease.owner()).toBeNull();
    timersB.advance(10_000);
    await eventually(() => b.holding, 'b took over');
    expect(eventsB).toEqual(['acquired']);
    expect(await b.lease.owner()).toBe('b');
  });

  it('says lost when a renewal finds the lease taken (it expired and someone else has it)', async () => {
    const timers = new FakeTimers();
    const { keeper: a, events } = keeper('a', timers);
    a.start();
    timers.advance(0);
    await eventually(() => a.holding, 'acquired');
    await link.commands.set(a.lease.key, 'z/other-token', 'PX', 30_000);
    timers.advance(10_000);
    await eventually(() => !a.holding, 'lost');
    expect(events).toEqual(['acquired', 'lost']);
    // And tries again: once the other lets go, it is ours again.
    await link.commands.del(a.lease.key);
    timers.advance(10_000);
    await eventually(() => a.holding, 're-acquired');
    expect(events).toEqual(['acquired', 'lost', 'acquired']);
  });

  it('says lost before the server could expire it when no renewal gets through (Redis unreachable)', async () => {
    const own = new RedisLink({ url, keyPrefix: link.prefix, commandTimeoutMs: 200 });
    await own.ready();
    const timers = new FakeTimers();
    const errors: string[] = [];
    const events: string[] = [];
    const a = new LeaseKeeper(own, 'discord:shard:0', { holder: 'a', ttlMs: 30_000, timers, onError: (error) => errors.push(error.message) });
    a.on('lost', () => events.push('lost'));
    a.start();
    timers.advance(0);
    await eventually(() => a.holding, 'acquired');
    own.commands.disconnect();
    timers.advance(10_000);
    await eventually(() => errors.length >= 1, 'the renewal failed');
    expect(a.holding).toBe(true);
    timers.advance(10_000);
    await eventually(() => errors.length >= 2, 'the second renewal failed');
    expect(a.holding).toBe(true);
    // The deadline: 30 s after the last successful renewal was sent, less a margin (1 s here).
    timers.advance(8_999);
    expect(a.holding).toBe(true);
    timers.advance(1);
    expect(a.holding).toBe(false);
    expect(events).toEqual(['lost']);
    await a.stop();
    await own.close();
  });

  it('a listener that throws is reported, and the keeper goes on', async () => {
    const timers = new FakeTimers();
    const errors: string[] = [];
    const a = new LeaseKeeper(link, 'x', { holder: 'a', ttlMs: 30_000, timers, onError: (error) => errors.push(error.message) });
    keepers.push(a);
    a.on('acquired', () => {
      throw new Error('listener broke');
    });
    a.start();
    timers.advance(0);
    await eventually(() => a.holding, 'acquired');
    expect(errors).toEqual(['listener broke']);
  });

  it('takes a free lease only while shouldAcquire allows, and yields one to another instance on request', async () => {
    const timersA = new FakeTimers();
    const timersB = new FakeTimers();
    let bMayTake = false;
    const a = new LeaseKeeper(link, 'shard:1', { holder: 'a', ttlMs: 30_000, timers: timersA, shouldAcquire: () => false });
    const b = new LeaseKeeper(link, 'shard:1', { holder: 'b', ttlMs: 30_000, timers: timersB, shouldAcquire: () => bMayTake });
    keepers.push(a, b);
    a.start();
    b.start();
    timersA.advance(0);
    timersB.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await a.lease.owner()).toBeNull();
    bMayTake = true;
    timersB.advance(10_000);
    await eventually(() => b.holding, 'b took it once allowed');
    const events: string[] = [];
    b.on('lost', () => events.push('lost'));
    await b.yield();
    expect(events).toEqual(['lost']);
    expect(await b.lease.owner()).toBeNull();
    bMayTake = false;
    timersB.advance(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(b.holding).toBe(false);
  });
});
