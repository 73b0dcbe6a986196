import { timersOf } from '@amo/presence-adapter-kit';
import { IdentifyThrottle } from './identify-throttle';

describe('IdentifyThrottle', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('lets max_concurrency buckets identify once per 5 s each', () => {
    const throttle = new IdentifyThrottle(timersOf());
    throttle.configure({ remaining: 100, reset_after: 0, max_concurrency: 2 });
    const at: Array<[number, number]> = [];
    for (const shard of [0, 1, 2, 3]) throttle.acquire(shard, () => at.push([shard, Date.now()]));
    jest.advanceTimersByTime(10_000);
    expect(at).toEqual([[0, 0], [1, 0], [2, 5_000], [3, 5_000]]);
  });

  it('waits for reset_after when no identifies remain, and can be cancelled', () => {
    const throttle = new IdentifyThrottle(timersOf());
    throttle.configure({ remaining: 0, reset_after: 60_000, max_concurrency: 1 });
    const ran = jest.fn();
    const cancel = throttle.acquire(0, ran);
    jest.advanceTimersByTime(59_999);
    expect(ran).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(ran).toHaveBeenCalledTimes(1);
    const never = jest.fn();
    throttle.acquire(0, never)();
    jest.advanceTimersByTime(120_000);
    expect(never).not.toHaveBeenCalled();
    cancel();
  });
});
