import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SoakClock } from './soak-clock';

describe('SoakClock', () => {
  it('fires timers in time order (ties in the order they were set), jumping over the waits', async () => {
    const clock = new SoakClock(1_000);
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 60_000);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 5_000);
    clock.setTimeout(() => fired.push(['c', clock.now()]), 60_000);
    const cancelled = clock.setTimeout(() => fired.push(['never', clock.now()]), 10_000);
    clock.clearTimeout(cancelled);
    const started = Date.now();
    await clock.until(1_000 + 3_600_000);
    expect(fired).toEqual([
      ['a', 6_000],
      ['b', 61_000],
      ['c', 61_000],
    ]);
    expect(clock.now()).toBe(3_601_000);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("runs core's named timers: a second schedule under a name replaces the first, cancel drops it", async () => {
    const clock = new SoakClock(0);
    const fired: string[] = [];
    clock.schedule('poll', 1_000, () => fired.push('first'));
    clock.schedule('poll', 2_000, () => fired.push('second'));
    clock.schedule('gone', 500, () => fired.push('gone'));
    clock.cancel('gone');
    await clock.until(10_000);
    expect(fired).toEqual(['second']);
  });

  it('stands still while a request is on the wire, however long it takes in real time', async () => {
    const server = createServer((_req, res) => setTimeout(() => res.end('late'), 50));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const clock = new SoakClock(0);
      let firedAt: number | undefined;
      clock.setTimeout(() => (firedAt = clock.now()), 1);
      const answer = await clock.fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      // The timer due 1 ms later could not fire while the exchange was open.
      expect(firedAt).toBeUndefined();
      expect(await answer.text()).toBe('late');
      await clock.until(5);
      expect(firedAt).toBe(1);
    } finally {
      server.close();
    }
  });

  it('holds time for other work too, and a failure still lets time move', async () => {
    const clock = new SoakClock(0);
    let fired = false;
    clock.setTimeout(() => (fired = true), 10);
    await expect(clock.hold(new Promise((_, reject) => setTimeout(() => reject(new Error('delivery failed')), 20)))).rejects.toThrow('delivery failed');
    expect(fired).toBe(false);
    await clock.until(20);
    expect(fired).toBe(true);
  });
});
