/**
 * What the page reads about a person only when they are opened (never at start-up): the best channel now and
 * the aggregation policy their aggregate follows. Pure: the words for each outcome.
 */
import { platformName } from './labels.js';

/** A read that may still be under way, or failed. */
export type Loadable<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'error'; message: string; status?: number };

/** The first entry of GET /v1/users/{userId}/channels (also `bestChannel` in POST /v1/availability?details=true). */
export interface BestChannel {
  platform: string;
  status: string;
  stale: boolean;
  reasons: string[];
}

export interface PersonReach {
  channel: Loadable<BestChannel | null>;
  /** The person's own policy from their preferences; null when they have none (the service default applies). */
  policy: Loadable<string | null>;
}

/** `Slack — online, fresh, preferred platform #1`. */
export function channelText(channel: Loadable<BestChannel | null>): string {
  if (channel.state === 'loading') return 'asking…';
  if (channel.state === 'error') return `could not read: ${channel.message}`;
  if (!channel.value) return 'none: no linked platform to reach them on';
  const reasons = channel.value.reasons.length > 0 ? channel.value.reasons.join(', ') : channel.value.status;
  return `${platformName(channel.value.platform)} — ${reasons}`;
}

/**
 * The policy as far as the API tells: a person's own choice is in their preferences (write scope); the service's
 * default (PRESENCE_DEFAULT_POLICY) is reported by no endpoint, so the page names the variable and its documented
 * default instead of guessing what the operator set.
 */
export function policyText(policy: Loadable<string | null>): string {
  if (policy.state === 'loading') return 'asking…';
  if (policy.state === 'error') {
    return policy.status === 403 ? 'not readable with this key (preferences need the write scope)' : `could not read: ${policy.message}`;
  }
  if (policy.value) return `${policy.value} (their own preference)`;
  return "the service's default, PRESENCE_DEFAULT_POLICY (the row names the policy that decided)";
}
