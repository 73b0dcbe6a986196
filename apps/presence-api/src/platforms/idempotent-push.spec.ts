import type { PresenceAdapter, PushSink } from '@amo/presence-core';
import { withIdempotentPush } from './idempotent-push';

function pushAdapter(): PresenceAdapter & { starts: number; sink?: PushSink } {
  const adapter = {
    platform: 'discord' as const,
    capabilities: { freshness: 'push' as const, poll: false, push: true, inferred: false, batchSize: 100, rateBudgets: [], fields: [] },
    starts: 0,
    sink: undefined as PushSink | undefined,
    connect: async () => undefined,
    fetchPresence: async () => ({ records: [], notFound: [] }),
    close: async () => undefined,
    async startPush(sink: PushSink) {
      adapter.starts++;
      adapter.sink = sink;
    },
  };
  return adapter;
}

describe('withIdempotentPush', () => {
  it('starts the push connection once and re-points later sinks', async () => {
    const inner = pushAdapter();
    const wrapped = withIdempotentPush(inner);
    const first: string[] = [];
    const second: string[] = [];
    await wrapped.startPush?.({ presence: (r) => first.push(r.accountId), connection: () => undefined });
    await wrapped.startPush?.({ presence: (r) => second.push(r.accountId), connection: () => undefined });
    inner.sink?.presence({ platform: 'discord', accountId: '42', status: 'online', observedAt: new Date() });
    expect(inner.starts).toBe(1);
    expect(first).toEqual([]);
    expect(second).toEqual(['42']);
    expect(wrapped.platform).toBe('discord');
    await expect(wrapped.fetchPresence(['1'])).resolves.toEqual({ records: [], notFound: [] });
  });

  it('leaves adapters without push untouched', () => {
    const adapter = { ...pushAdapter(), startPush: undefined };
    expect(withIdempotentPush(adapter)).toBe(adapter);
  });
});
