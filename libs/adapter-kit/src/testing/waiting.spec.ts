import { createServer } from 'node:net';
import { eventually, freePort } from './waiting';

describe('test waiting helpers', () => {
  it('freePort gives a port one can listen on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => server.close(resolve));
    expect(port).toBeGreaterThan(0);
  });

  it('eventually returns the first truthy value, counting a throwing check as not yet', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls += 1;
      if (calls === 1) throw new Error('not ready');
      return calls >= 3 ? { calls } : undefined;
    });
    expect(value).toEqual({ calls: 3 });
  });

  it('eventually names what it waited for and the last failure when it gives up', async () => {
    await expect(
      eventually(() => {
        throw new Error('still 503');
      }, { timeoutMs: 20, what: 'the service' }),
    ).rejects.toThrow('timed out waiting for the service (20 ms): still 503');
  });

  it('eventually still waits in real time under fake timers, firing due ones on the way', async () => {
    jest.useFakeTimers();
    try {
      let fired = false;
      setTimeout(() => (fired = true), 0);
      await eventually(() => fired, { beforeStep: () => jest.advanceTimersByTimeAsync(0) });
      expect(fired).toBe(true);
      // Frozen fake clocks do not stop it from giving up in real time.
      await expect(eventually(() => false, { timeoutMs: 30 })).rejects.toThrow('timed out waiting for condition (30 ms)');
    } finally {
      jest.useRealTimers();
    }
  });
});
