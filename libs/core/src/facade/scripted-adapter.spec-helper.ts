import { PresenceError } from '../model/errors';
import type { Platform } from '../model/platform';
import type { PlatformPresence } from '../model/presence';
import type { PresenceStatus } from '../model/status';
import type { AdapterCapabilities, AdapterHealth, FetchResult, PresenceAdapter, PushSink } from '../ports/adapter';

/**
 * A test double at the network edge of the facade: a platform whose answers the test scripts. It is not
 * the code under test; the facade driving it is.
 */
export class ScriptedAdapter implements PresenceAdapter {
  readonly statuses = new Map<string, PresenceStatus>();
  readonly calls: string[][] = [];
  tracked: readonly string[] = [];
  failWith: PresenceError | null = null;
  breaker: AdapterHealth['breaker'] = 'closed';
  breakerRetryInMs = 0;
  sink: PushSink | null = null;
  closed = false;
  connectError: PresenceError | null = null;

  constructor(
    readonly platform: Platform,
    readonly capabilities: AdapterCapabilities = {
      freshness: 'poll', poll: true, push: false, inferred: false, batchSize: 100, rateBudgets: [], fields: [],
    },
  ) {}

  async connect(): Promise<void> {
    if (this.connectError) throw this.connectError;
  }

  async fetchPresence(accountIds: readonly string[]): Promise<FetchResult> {
    this.calls.push([...accountIds]);
    if (this.failWith) throw this.failWith;
    const records: PlatformPresence[] = [];
    const notFound: string[] = [];
    for (const id of accountIds) {
      const status = this.statuses.get(id);
      if (status === undefined) notFound.push(id);
      else records.push({ platform: this.platform, accountId: id, status, rawStatus: status, observedAt: new Date() });
    }
    return { records, notFound };
  }

  pushStarts = 0;
  pushStops = 0;

  async startPush(sink: PushSink): Promise<void> {
    this.pushStarts++;
    this.sink = sink;
    sink.connection('up');
  }

  async stopPush(): Promise<void> {
    this.pushStops++;
  }

  setTrackedIds(ids: readonly string[]): void {
    this.tracked = ids;
  }

  health(): AdapterHealth {
    return { breaker: this.breaker, breakerRetryInMs: this.breakerRetryInMs, budgets: [], retries: 2 };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export const transient = (): PresenceError => new PresenceError('TRANSIENT', 'platform said 503');
