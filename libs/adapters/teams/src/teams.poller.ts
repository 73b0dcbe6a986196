import type { Timers } from '@amo/presence-adapter-kit';
import { type FetchResult, isPresenceError, type PlatformPresence } from '@amo/presence-core';
import type { GraphClient } from './teams.client';
import type { PresenceLedger } from './teams.ledger';
import { TEAMS_MAX_IDS_PER_REQUEST } from './teams.manifest';
import { type GraphPresence, toTeamsPresence } from './teams.presence';

export interface PollOutcome extends FetchResult {
  /** One error per batch that failed or was skipped for want of budget; their ids are in neither list. */
  failures: unknown[];
}

type IdOutcome = { record: PlatformPresence } | { notFound: true } | { failure: unknown };

export interface TeamsPollerOptions {
  client: GraphClient;
  ledger: PresenceLedger;
  timers: Timers;
  /** Batches in flight at once. */
  concurrency: number;
  /** Stamped on every record's sequence number (see `toTeamsPresence`). */
  sequenceScope: string;
}

const key = (id: string): string => id.toLowerCase();

/**
 * Reads ids through getPresencesByUserId in batches of 650. Reads that arrive together (one sweep, or many callers
 * in the same tick) share batches, and an id already in a batch in flight waits for that batch instead of costing
 * another call. A batch is sent only if the tenant's budget has room right now (the client's `budgetWait: false`);
 * otherwise it is skipped for this step (its ids keep their last values), so a budget wait never holds up a sweep. Every
 * reading goes through the ledger, so what comes back is never older than what the adapter already held.
 */
export class TeamsPoller {
  /** Ids waiting for the next batch formation, by lower-cased id. */
  private readonly pending = new Map<string, string>();
  /** The outcome each id will get from the batch it waits in (pending or in flight). */
  private readonly waiting = new Map<string, { promise: Promise<IdOutcome>; resolve: (outcome: IdOutcome) => void }>();
  private readonly queue: string[][] = [];
  private flushQueued = false;
  private active = 0;

  constructor(private readonly o: TeamsPollerOptions) {}

  /** Reads every id; a failed or skipped batch adds one entry to `failures`, the others still count. */
  async read(ids: readonly string[]): Promise<PollOutcome> {
    const outcomes = await Promise.all(ids.map((id) => this.outcomeOf(id)));
    const outcome: PollOutcome = { records: [], notFound: [], failures: [] };
    const failures = new Set<unknown>();
    outcomes.forEach((result, index) => {
      if ('record' in result) outcome.records.push({ ...result.record, accountId: ids[index] });
      else if ('notFound' in result) outcome.notFound.push(ids[index]);
      else failures.add(result.failure);
    });
    outcome.failures = [...failures];
    return outcome;
  }

  private outcomeOf(id: string): Promise<IdOutcome> {
    const existing = this.waiting.get(key(id));
    if (existing) return existing.promise;
    let resolve!: (outcome: IdOutcome) => void;
    const promise = new Promise<IdOutcome>((done) => (resolve = done));
    this.waiting.set(key(id), { promise, resolve });
    this.pending.set(key(id), id);
    if (!this.flushQueued) {
      this.flushQueued = true;
      // Callers of this tick (a sweep, or a burst of single reads) join the same 650-id batches.
      queueMicrotask(() => this.flush());
    }
    return promise;
  }

  private flush(): void {
    this.flushQueued = false;
    const ids = [...this.pending.values()];
    this.pending.clear();
    for (let start = 0; start < ids.length; start += TEAMS_MAX_IDS_PER_REQUEST) this.queue.push(ids.slice(start, start + TEAMS_MAX_IDS_PER_REQUEST));
    this.pump();
  }

  private pump(): void {
    while (this.active < this.o.concurrency && this.queue.length > 0) {
      const batch = this.queue.shift() as string[];
      this.active += 1;
      void this.readBatch(batch)
        .then(
          (result) => this.settle(batch, (id) => (result.records.has(key(id)) ? { record: result.records.get(key(id)) as PlatformPresence } : { notFound: true })),
          (error: unknown) => this.settle(batch, () => ({ failure: error })),
        )
        .finally(() => {
          this.active -= 1;
          this.pump();
        });
    }
  }

  private settle(batch: readonly string[], outcomeOf: (id: string) => IdOutcome): void {
    for (const id of batch) {
      const waiter = this.waiting.get(key(id));
      this.waiting.delete(key(id));
      waiter?.resolve(outcomeOf(id));
    }
  }

  /** One call; a 404 for a whole batch is split in halves until the unknown ids are isolated. Unknown ids are absent. */
  private async readBatch(ids: readonly string[]): Promise<{ records: Map<string, PlatformPresence> }> {
    let presences: GraphPresence[];
    try {
      presences = await this.o.client.getPresencesByUserId(ids);
    } catch (error) {
      if (!(isPresenceError(error) && error.code === 'NOT_FOUND')) throw error;
      if (ids.length === 1) {
        this.o.ledger.delete(ids[0]);
        return { records: new Map() };
      }
      const middle = Math.ceil(ids.length / 2);
      const [left, right] = await Promise.all([this.readBatch(ids.slice(0, middle)), this.readBatch(ids.slice(middle))]);
      return { records: new Map([...left.records, ...right.records]) };
    }
    const observedAt = new Date(this.o.timers.now());
    const byId = new Map(presences.map((presence) => [key(presence.id), presence]));
    const records = new Map<string, PlatformPresence>();
    for (const id of ids) {
      const presence = byId.get(key(id));
      if (!presence) {
        this.o.ledger.delete(id);
        continue;
      }
      const { current } = this.o.ledger.offer(toTeamsPresence({ ...presence, id }, observedAt, this.o.sequenceScope));
      records.set(key(id), current);
    }
    return { records };
  }
}
