import type { AdapterCapabilities, IdentityDirectory, Platform, PollOutcome } from '@amo/presence-core';

/** What cluster polling needs of an instance's core: its `PresenceAggregator` (built with `polling: 'external'`). */
export interface PollTarget {
  /** Who is linked: a platform's count changing means people to read soon (as `pollSoon` does for the loop). */
  readonly directory: Pick<IdentityDirectory, 'peopleOn'>;
  platforms(): Platform[];
  isMonitoring(platform?: Platform): boolean;
  adapter(platform: Platform): { readonly capabilities: AdapterCapabilities } | undefined;
  intervalOf(platform: Platform): number;
  monitoredAccounts(platform: Platform): string[];
  pollBatch(platform: Platform, accountIds: readonly string[]): Promise<PollOutcome>;
}

/** One poll job: a batch of one platform's accounts, planned at `tick` (the tick's start, epoch ms). */
export interface PollJobData {
  platform: Platform;
  tick: number;
  ids: string[];
  /** Slots to reserve in each of the platform's buckets, and for how long (see SharedBudgets.reserve). */
  slots: number;
  holdMs: number;
}

/** What a job did, as BullMQ records it (and a `completed` listener hears). */
export interface PollJobResult {
  read: number;
  notFound: number;
  /** Not read, so still first in line: skipped for want of budget, failed, or unknown to this instance's core. */
  again: number;
  /** Left out: erased or opted out since the job was planned. */
  forgotten: number;
  error: string | null;
}

/** BullMQ queue names may not contain ':'. One queue per platform. */
export function queueName(platform: Platform): string {
  return `poll-${platform}`;
}
