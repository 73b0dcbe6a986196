import { InvalidInputError } from '../model/errors';
import { PLATFORMS, type Platform } from '../model/platform';
import { type PresenceStatus, STATUS_PRIORITY } from '../model/status';

/** One platform's vote: its status, when it was last updated, and whether it is fresh enough to count. */
export interface Vote {
  platform: Platform;
  status: PresenceStatus;
  updatedAt: number;
  fresh: boolean;
}

export interface AggregateResult {
  status: PresenceStatus;
  /** The platform whose record decided; null when no fresh record remained. */
  decidedBy: Platform | null;
  /** Platforms whose records were stale and did not vote. */
  stale: Platform[];
}

/** Picks the deciding vote among fresh ones; each policy is a pure function. */
export type AggregationPolicy = (fresh: readonly Vote[]) => Vote;

const platformOrder = new Map(PLATFORMS.map((platform, index) => [platform, index]));

/** Higher priority first, then the most recent, then the fixed platform order: deterministic. */
function outranks(a: Vote, b: Vote): boolean {
  const byPriority = STATUS_PRIORITY[a.status] - STATUS_PRIORITY[b.status];
  if (byPriority !== 0) return byPriority > 0;
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt;
  return (platformOrder.get(a.platform) ?? 0) < (platformOrder.get(b.platform) ?? 0);
}

function best(votes: readonly Vote[]): Vote {
  let winner = votes[0];
  for (let i = 1; i < votes.length; i++) if (outranks(votes[i], winner)) winner = votes[i];
  return winner;
}

export const AGGREGATION_POLICIES = {
  /** The seed's rule: the highest-priority fresh status wins. */
  'highest-priority': best,
  /** A fresh busy anywhere makes the person busy: what a meeting scheduler wants. */
  'busy-wins': (fresh) => {
    const busy = fresh.filter((vote) => vote.status === 'busy');
    return best(busy.length > 0 ? busy : fresh);
  },
} as const satisfies Record<string, AggregationPolicy>;

export type AggregationPolicyName = keyof typeof AGGREGATION_POLICIES;

export const AGGREGATION_POLICY_NAMES = Object.keys(AGGREGATION_POLICIES) as AggregationPolicyName[];

export function isAggregationPolicyName(value: unknown): value is AggregationPolicyName {
  return typeof value === 'string' && Object.hasOwn(AGGREGATION_POLICIES, value);
}

export function parseAggregationPolicy(value: unknown): AggregationPolicyName {
  if (isAggregationPolicyName(value)) return value;
  throw new InvalidInputError(
    `unknown aggregation policy ${JSON.stringify(value)}; expected one of ${AGGREGATION_POLICY_NAMES.join(', ')}`,
  );
}

/** Aggregates one person's votes. Stale votes never count; with no fresh vote the result is unknown. */
export function aggregate(votes: readonly Vote[], policy: AggregationPolicyName = 'highest-priority'): AggregateResult {
  const fresh = votes.filter((vote) => vote.fresh);
  const stale = votes.filter((vote) => !vote.fresh).map((vote) => vote.platform);
  if (fresh.length === 0) return { status: 'unknown', decidedBy: null, stale };
  const winner = AGGREGATION_POLICIES[policy](fresh);
  return { status: winner.status, decidedBy: winner.platform, stale };
}
