import { timersOf } from '@amo/presence-adapter-kit';
import { SendLimiter } from './send-limiter';

describe('SendLimiter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('holds queued sends under limit minus the heartbeat reserve and drains as the window slides', () => {
    const sent: string[] = [];
    const limiter = new SendLimiter(timersOf(), (t) => sent.push(t), 120, 60_000);
    limiter.reserveForHeartbeats(41_250);
    for (let i = 0; i < 200; i += 1) limiter.send(`r${i}`, false);
    expect(sent).toHaveLength(113);
    expect(limiter.queued).toBe(87);
    for (let i = 0; i < 7; i += 1) expect(limiter.send(`hb${i}`, true)).toBe(true);
    expect(limiter.send('one too many', true)).toBe(false);
    expect(limiter.used()).toBe(120);
    jest.advanceTimersByTime(59_999);
    expect(sent).toHaveLength(120);
    jest.advanceTimersByTime(1);
    expect(sent).toHaveLength(207);
    expect(limiter.queued).toBe(0);
    expect(limiter.sentTotal).toBe(207);
  });

  it('forgets its queue when the connection changes', () => {
    const sent: string[] = [];
    const limiter = new SendLimiter(timersOf(), (t) => sent.push(t), 3, 1_000);
    limiter.reserveForHeartbeats(100_000);
    for (let i = 0; i < 5; i += 1) limiter.send(`r${i}`, false);
    limiter.reset();
    jest.advanceTimersByTime(5_000);
    expect(limiter.queued).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});
