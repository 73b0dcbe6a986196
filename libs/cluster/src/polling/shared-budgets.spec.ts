import type { RedisLink } from '../redis-link';
import { openTestLink, disposeLink } from '../redis-link.spec-helper';
import { SharedBudgets } from './shared-budgets';

const url = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const spec = { bucket: 'slack:dnd.teamInfo', limit: 5, windowMs: 60_000 };

describe('SharedBudgets: one sliding window per bucket for every instance', () => {
  let link: RedisLink;
  let now: number;
  const clock = { now: () => now };
  const instance = (id: string) => new SharedBudgets({ link, instanceId: id, clock, arrivalMarginMs: () => 0 });

  beforeEach(async () => {
    link = await openTestLink(url, 'budgets');
    now = 1_000_000;
  });
  afterEach(() => disposeLink(link));

  it('a reservation holds what the window has room for; another instance gets only the rest', async () => {
    const [a, b] = [instance('a').budget(spec), instance('b').budget(spec)];
    await a.reserve({ holdMs: 10_000, want: 3 });
    await b.reserve({ holdMs: 10_000, want: 5 });
    const taken = (budget: typeof a) => {
      let n = 0;
      while (budget.tryTake()) n++;
      return n;
    };
    expect(b.use()).toEqual({ bucket: spec.bucket, used: 3, limit: 5, windowMs: 60_000 });
    expect([taken(a), taken(b)]).toEqual([3, 2]);
    // Exhausted: the kit's planners read no room (Slack's roomNow) and a sweep skips instead of waiting.
    expect(a.use().used).toBe(5);
    // b was told when the window has its next slot (a's first leaves it after the hold, a minute later).
    expect(b.availableInMs()).toBe(70_000);
  });

  it('unspent slots go back at release; spent ones count from when they were sent until the window passes', async () => {
    const [a, b] = [instance('a').budget(spec), instance('b').budget(spec)];
    await a.reserve({ holdMs: 10_000, want: 5 });
    now += 1_000;
    expect(a.tryTake()).toBe(true);
    expect(a.tryTake()).toBe(true);
    await a.release();
    await b.reserve({ holdMs: 10_000, want: 5 });
    expect(b.use().used).toBe(2);
    let n = 0;
    while (b.tryTake()) n++;
    expect(n).toBe(3);
    await b.release();
    // a's two were sent at +1 s: they leave the window at +61 s, b's three (sent at +1 s too) with them.
    now += 59_999;
    await a.reserve({ holdMs: 10_000, want: 5 });
    expect(a.use().used).toBe(5);
    await a.release();
    now += 1;
    await a.reserve({ holdMs: 10_000, want: 5 });
    expect(a.use().used).toBe(0);
  });

  it('a reserved slot counts until its hold ends even if its instance dies without releasing it', async () => {
    const [a, b] = [instance('a').budget(spec), instance('b').budget(spec)];
    await a.reserve({ holdMs: 10_000, want: 5 });
    expect(a.tryTake()).toBe(true); // then the instance is killed: no release, no settle
    now += 69_999;
    await b.reserve({ holdMs: 10_000, want: 5 });
    expect(b.use().used).toBe(5);
    await b.release();
    now += 1;
    await b.reserve({ holdMs: 10_000, want: 5 });
    expect(b.use().used).toBe(0);
  });

  it('take() without a reservation waits for a slot of the shared window', async () => {
    const small = { bucket: 'zoom:medium:acct', limit: 2, windowMs: 300 };
    const realClock = { now: () => Date.now() };
    const [a, b] = [new SharedBudgets({ link, instanceId: 'a', clock: realClock }), new SharedBudgets({ link, instanceId: 'b', clock: realClock })];
    const [x, y] = [a.budget(small), b.budget(small)];
    const started = Date.now();
    await x.take();
    await y.take();
    await x.take();
    const third = Date.now() - started;
    // The margin (a fiftieth of the window, at least 10 ms) counts too.
    expect(third).toBeGreaterThanOrEqual(300);
    expect(third).toBeLessThan(2_000);
  });

  it('a Retry-After pauses the bucket on every instance', async () => {
    const [a, b] = [instance('a').budget(spec), instance('b').budget(spec)];
    a.pauseUntil(now + 5_000);
    expect(a.pausedUntil()).toBe(now + 5_000);
    // The pause reaches Redis in the background; b learns it at its next exchange.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await b.reserve({ holdMs: 10_000, want: 5 });
    expect(b.tryTake()).toBe(false);
    expect(b.pausedUntil()).toBe(now + 5_000);
    expect(b.availableInMs()).toBe(5_000);
    await b.release();
    now += 5_000;
    await b.reserve({ holdMs: 10_000, want: 5 });
    expect(b.tryTake()).toBe(true);
  });

  it('reserves and releases every bucket of one platform together', async () => {
    const a = instance('a');
    const presence = a.budget({ bucket: 'slack:users.getPresence', limit: 50, windowMs: 60_000 });
    const dnd = a.budget(spec);
    const zoom = a.budget({ bucket: 'zoom:medium:acct', limit: 10, windowMs: 1_000 });
    expect(a.budget(spec)).toBe(dnd);
    await a.reserve('slack', { holdMs: 10_000, want: 20 });
    expect([presence.use().used, dnd.use().used]).toEqual([30, 0]);
    expect(zoom.shortOf(1)).toBe(false); // no reservation in force for another platform
    await a.release('slack');
    expect(presence.use().used).toBe(0);
  });

  it('outside a reservation tryTake answers on the window last seen and counts the slot there at once', async () => {
    const small = { bucket: 'teams:presence:tenant', limit: 2, windowMs: 60_000 };
    const [x, y] = [instance('a').budget(small), instance('b').budget(small)];
    // Each looked at the window when it was created.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(x.tryTake()).toBe(true);
    expect(x.tryTake()).toBe(true);
    expect(x.tryTake()).toBe(false); // its own view is full
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The two are in the shared window: a reservation on another instance finds no room.
    await y.reserve({ holdMs: 10_000, want: 2 });
    expect(y.tryTake()).toBe(false);
    expect(y.use().used).toBe(2);
  });
});
