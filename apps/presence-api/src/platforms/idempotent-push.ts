import type { PresenceAdapter, PushSink } from '@amo/presence-core';

/**
 * Wraps an adapter so `startPush` opens the platform's push connection once per adapter, however often
 * monitoring is stopped and started again: later calls only re-point the sink. The core calls startPush
 * on every startMonitoring, and a second gateway or subscription set for the same adapter would be wrong.
 */
export function withIdempotentPush(adapter: PresenceAdapter): PresenceAdapter {
  const startPush = adapter.startPush?.bind(adapter);
  if (!startPush) return adapter;
  let sink: PushSink | undefined;
  let started: Promise<void> | undefined;
  const forward: PushSink = {
    presence: (record) => sink?.presence(record),
    connection: (state, error) => sink?.connection(state, error),
  };
  return new Proxy(adapter, {
    get(target, property, receiver) {
      if (property === 'startPush') {
        return (next: PushSink): Promise<void> => {
          sink = next;
          started ??= startPush(forward).catch((error: unknown) => {
            started = undefined;
            throw error;
          });
          return started;
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
