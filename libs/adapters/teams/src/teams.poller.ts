import type { Timers } from '@amo/presence-adapter-kit';
import { type FetchResult, isPresenceError, type PlatformPresence } from '@amo/presence-core';
import type { GraphClient } from './teams.client';
import type { PresenceLedger } from './teams.ledger';
import { TEAMS_MAX_IDS_PER_REQUEST } from './teams.manifest';
import { type GraphPresence, toTeamsPresence } from './teams.presence';

export interface PollOutcome extends FetchResult {
  batches: number;
  failures: unknown[];
}

/**
 * Reads ids through getPresencesByUserId: batches of 650, `concurrency` in flight (the client's budget paces them),
 * every reading offered to the ledger so what comes back is never older than what the adapter already held.
 */
export class TeamsPoller {
  constructor(
    private readonly client: GraphClient,
    private readonly ledger: PresenceLedger,
    private readonly timers: Timers,
    private readonly concurrency: number,
  ) {}

  /** Reads every id; a failed batch is collected in `failures`, the others still count. */
  async read(ids: readonly string[]): Promise<PollOutcome> {
    const batches: string[][] = [];
    for (let start = 0; start < ids.length; start += TEAMS_MAX_IDS_PER_REQUEST) batches.push(ids.slice(start, start + TEAMS_MAX_IDS_PER_REQUEST));
    const outcome: PollOutcome = { records: [], notFound: [], batches: batches.length, failures: [] };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next++];
        try {
          const result = await this.readBatch(batch);
          outcome.records.push(...result.records);
          outcome.notFound.push(...result.notFound);
        } catch (error) {
          outcome.failures.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
    return outcome;
  }

  /** One call; a 404 for a whole batch is split in halves until the unknown ids are isolated. */
  private async readBatch(ids: readonly string[]): Promise<FetchResult> {
    let presences: GraphPresence[];
    try {
      presences = await this.client.getPresencesByUserId(ids);
    } catch (error) {
      if (!(isPresenceError(error) && error.code === 'NOT_FOUND')) throw error;
      if (ids.length === 1) return { records: [], notFound: [...ids] };
      const middle = Math.ceil(ids.length / 2);
      const [left, right] = await Promise.all([this.readBatch(ids.slice(0, middle)), this.readBatch(ids.slice(middle))]);
      return { records: [...left.records, ...right.records], notFound: [...left.notFound, ...right.notFound] };
    }
    const observedAt = new Date(this.timers.now());
    const byId = new Map(presences.map((presence) => [presence.id.toLowerCase(), presence]));
    const records: PlatformPresence[] = [];
    const notFound: string[] = [];
    for (const id of ids) {
      const presence = byId.get(id.toLowerCase());
      if (!presence) {
        notFound.push(id);
        this.ledger.delete(id);
        continue;
      }
      const { current } = this.ledger.offer(toTeamsPresence({ ...presence, id }, observedAt));
      records.push({ ...current, accountId: id });
    }
    return { records, notFound };
  }
}
