import { InitialSignals } from './initial-signals';
import type { RunningPlatformSandbox } from '@amo/presence-adapter-kit/testing';

/** A platform whose deliveries are answered with the scripted statuses, in order (then 200). */
function scripted(statuses: (number | undefined)[]): RunningPlatformSandbox & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    apply: async () => {
      calls.push(Date.now());
      return statuses.length > 0 ? statuses.shift() : 200;
    },
  } as unknown as RunningPlatformSandbox & { calls: number[] };
}

async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

describe('starting signals for the recency platforms', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('re-sends every 500 ms until accepted, then never again', async () => {
    const platform = scripted([404, 0, 404, 202]);
    const signals = new InitialSignals();
    await signals.send(platform, 'acct', 'message');
    await advance(1500);
    expect(platform.calls).toEqual([0, 500, 1000, 1500]);
    await advance(60_000);
    expect(platform.calls).toHaveLength(4);
  });

  it('stops when nothing is delivered (no receiver, platform down), and on close', async () => {
    const silent = scripted([undefined]);
    const signals = new InitialSignals();
    await signals.send(silent, 'acct', 'message');
    await advance(5000);
    expect(silent.calls).toHaveLength(1);

    const refused = scripted([503, 503, 503]);
    await signals.send(refused, 'acct', 'message');
    await advance(600);
    signals.close();
    await advance(60_000);
    expect(refused.calls).toHaveLength(2);
    await signals.send(refused, 'acct', 'message');
    expect(refused.calls).toHaveLength(2);
  });

  it('gives up after a minute of refusals', async () => {
    const refused = scripted(Array.from({ length: 500 }, () => 404));
    await new InitialSignals().send(refused, 'acct', 'message');
    await advance(120_000);
    expect(refused.calls).toHaveLength(120);
  });
});
