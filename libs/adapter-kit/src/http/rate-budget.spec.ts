import { RateBudgetRegistry } from './rate-budget';

beforeEach(() => jest.useFakeTimers({ now: 10_000 }));
afterEach(() => jest.useRealTimers());

describe('RateBudgetRegistry', () => {
  it('defines buckets idempotently: the first definition wins', () => {
    const registry = new RateBudgetRegistry();
    const tight = registry.define({ bucket: 'slack:users.getPresence', limit: 2, windowMs: 1_000 });
    const again = registry.define({ bucket: 'slack:users.getPresence', limit: 50, windowMs: 60_000 });
    expect(again).toBe(tight);
    expect(again.spec.limit).toBe(2);
    expect(registry.get('slack:users.getPresence')).toBe(tight);
    expect(registry.get('nope')).toBeUndefined();
  });

  it('rejects a budget without a positive limit or window', () => {
    const registry = new RateBudgetRegistry();
    expect(() => registry.define({ bucket: 'x', limit: 0, windowMs: 1 })).toThrow(RangeError);
    expect(() => registry.define({ bucket: 'x', limit: 1, windowMs: 0 })).toThrow(RangeError);
  });

  it('never lets more than limit through in any sliding window', async () => {
    const budget = new RateBudgetRegistry().define({ bucket: 'b', limit: 3, windowMs: 1_000 });
    const granted: number[] = [];
    const takers = Array.from({ length: 7 }, () => budget.take().then(() => granted.push(Date.now() - 10_000)));
    await jest.advanceTimersByTimeAsync(5_000);
    await Promise.all(takers);
    expect(granted).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000]);
  });

  it('slides: a stamp leaves the window exactly windowMs after it was taken', async () => {
    const budget = new RateBudgetRegistry().define({ bucket: 'b', limit: 2, windowMs: 1_000 });
    expect(budget.tryTake()).toBe(true);
    jest.advanceTimersByTime(600);
    expect(budget.tryTake()).toBe(true);
    expect(budget.tryTake()).toBe(false);
    expect(budget.use()).toEqual({ bucket: 'b', used: 2, limit: 2, windowMs: 1_000 });
    jest.advanceTimersByTime(400);
    expect(budget.use().used).toBe(1);
    expect(budget.tryTake()).toBe(true);
    expect(budget.tryTake()).toBe(false);
  });

  it('availableInMs says when the next request fits (window or pause) without counting one', () => {
    const budget = new RateBudgetRegistry().define({ bucket: 'b', limit: 2, windowMs: 1_000 });
    expect(budget.availableInMs()).toBe(0);
    expect(budget.availableInMs()).toBe(0);
    expect(budget.use().used).toBe(0);
    budget.tryTake();
    jest.advanceTimersByTime(300);
    budget.tryTake();
    expect(budget.availableInMs()).toBe(700);
    jest.advanceTimersByTime(700);
    expect(budget.availableInMs()).toBe(0);
    budget.pauseUntil(Date.now() + 4_000);
    expect(budget.availableInMs()).toBe(4_000);
    expect(budget.use().used).toBe(1);
  });

  it('pauseUntil holds every caller until the Retry-After ends, and never shortens a pause', async () => {
    const budget = new RateBudgetRegistry().define({ bucket: 'b', limit: 100, windowMs: 1_000 });
    budget.pauseUntil(10_000 + 5_000);
    budget.pauseUntil(10_000 + 1_000);
    expect(budget.pausedUntil()).toBe(15_000);
    expect(budget.tryTake()).toBe(false);
    const granted: number[] = [];
    const takers = [budget.take(), budget.take()].map((p) => p.then(() => granted.push(Date.now())));
    await jest.advanceTimersByTimeAsync(4_999);
    expect(granted).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await Promise.all(takers);
    expect(granted).toEqual([15_000, 15_000]);
    expect(budget.pausedUntil()).toBeUndefined();
  });

  it('take() rejects when its signal aborts and clears its timer', async () => {
    const budget = new RateBudgetRegistry().define({ bucket: 'b', limit: 1, windowMs: 60_000 });
    await budget.take();
    const abort = new AbortController();
    const waiting = budget.take(abort.signal);
    expect(jest.getTimerCount()).toBe(1);
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'TRANSIENT' });
    expect(jest.getTimerCount()).toBe(0);
    await expect(budget.take(abort.signal)).rejects.toMatchObject({ code: 'TRANSIENT' });
  });

  it('uses an injected clock with its own timers', async () => {
    let now = 0;
    const scheduled: Array<{ at: number; fn: () => void }> = [];
    const registry = new RateBudgetRegistry({
      now: () => now,
      setTimeout: (fn, ms) => scheduled.push({ at: now + ms, fn }),
      clearTimeout: () => undefined,
    });
    const budget = registry.define({ bucket: 'b', limit: 1, windowMs: 500 });
    await budget.take();
    let done = false;
    const second = budget.take().then(() => (done = true));
    await Promise.resolve();
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0].at).toBe(500);
    now = 500;
    scheduled[0].fn();
    await second;
    expect(done).toBe(true);
    expect(registry.use()).toEqual([{ bucket: 'b', used: 1, limit: 1, windowMs: 500 }]);
  });

  it('builds buckets through `create` when given one (a store several processes share), first definition still winning', () => {
    const made: string[] = [];
    const inner = new RateBudgetRegistry();
    const registry = new RateBudgetRegistry(undefined, {
      create: (spec) => {
        made.push(`${spec.bucket} ${spec.limit}/${spec.windowMs}`);
        return inner.define(spec);
      },
    });
    const tight = registry.define({ bucket: 'slack:dnd.teamInfo', limit: 2, windowMs: 1_000 });
    expect(registry.define({ bucket: 'slack:dnd.teamInfo', limit: 20, windowMs: 60_000 })).toBe(tight);
    expect(made).toEqual(['slack:dnd.teamInfo 2/1000']);
    expect(tight).toBe(inner.get('slack:dnd.teamInfo'));
    expect(registry.get('slack:dnd.teamInfo')).toBe(tight);
  });
});
