import type { AdapterContractSuite } from '../../testing/contract/contract-types';
import { createExampleAdapter, type Misbehaviour } from './example.adapter';
import { startExampleEmulator } from './example.emulator';

/** The example platform's contract suite; `misbehave` builds a deliberately bad adapter instead. */
export function exampleSuite(misbehave?: Misbehaviour, options: { push?: boolean; inferred?: boolean } = {}): AdapterContractSuite {
  return {
    platform: 'zoom',
    statuses: [
      { native: 'available', expected: 'online' },
      { native: 'idle', expected: 'idle' },
      { native: 'dnd', expected: 'busy' },
      { native: 'away', expected: 'away' },
      { native: 'offline', expected: 'offline' },
    ],
    unrecognizedNative: 'on_the_moon',
    async setup(tuning) {
      const emulator = await startExampleEmulator();
      const adapter = createExampleAdapter(
        {
          baseUrl: emulator.server.url,
          token: emulator.token,
          timeoutMs: tuning.timeoutMs,
          maxRetries: tuning.maxRetries,
          backoff: tuning.backoff,
          breaker: tuning.breaker,
          misbehave,
          push: options.push,
          inferred: options.inferred,
        },
        { budgets: tuning.budgets },
      );
      return {
        adapter,
        emulator: emulator.server,
        knownIds: ['u1', 'u2', 'u3', 'u4'],
        unknownIds: ['nobody'],
        setStatus: (id, native) => void emulator.states.set(id, native),
        errorReplies: { unauthorized: { status: 401, json: { error: { code: 'unauthenticated' } } } },
      };
    },
  };
}
