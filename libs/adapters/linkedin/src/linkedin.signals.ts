import type { RecencySignal } from '@amo/presence-adapter-kit';

/**
 * A member's own act on a Company Page, read from an organization social action notification: the member's
 * URN and the notification's `lastModifiedAt`. This says "member X acted at time T"; it says nothing about
 * anyone who did not act, which is why silence stays unknown. The notification is read by hand (no typed package
 * exists) following "Organization Social Action Notifications"
 * (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-social-action-notifications).
 */
export interface LinkedInSignal {
  /** The member's URN (`urn:li:person:...`), the account id people are linked by. */
  memberUrn: string;
  at: Date;
  /** The notification's action: COMMENT, SHARE, ... */
  action: string;
  notificationId?: string;
  organization?: string;
}

/** A member's act as the kit's recency memory reads it: lastSeen at `at`, `action` as the raw status. */
export function linkedinRecencySignal(signal: LinkedInSignal): RecencySignal {
  return { accountId: signal.memberUrn, at: signal.at, kind: signal.action };
}

export interface ExtractedLinkedInSignals {
  signals: LinkedInSignal[];
  /** Notifications with no member act in them (admin comments, deletions, likes without an actor, bad times). */
  ignored: number;
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const asString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Only people count: an organization URN (an admin commenting as the Page) is not a member's presence. */
export function isMemberUrn(value: unknown): value is string {
  return typeof value === 'string' && /^urn:li:(person|member):[A-Za-z0-9_-]+$/.test(value);
}

/** Where each action's member URN sits (the manifest's `signalActions`, as code). */
function memberOf(action: string, notification: Record<string, unknown>): unknown {
  const decorated = asObject(notification['decoratedGeneratedActivity']);
  switch (action) {
    case 'COMMENT':
    case 'COMMENT_EDIT':
      return asObject(decorated?.['comment'])?.['owner'] ?? notification['actor'];
    case 'SHARE':
    case 'SHARE_MENTION':
      return asObject(decorated?.['share'])?.['owner'] ?? notification['actor'];
    case 'LIKE':
      // LIKE carries no generated activity; only an explicit actor (not in the documented schema) names the member.
      return notification['actor'];
    default:
      // ADMIN_COMMENT is the Page speaking; COMMENT_DELETE may be an admin removing someone else's comment.
      return undefined;
  }
}

function epochMs(value: unknown): Date | undefined {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(ms) && ms > 0 ? new Date(ms) : undefined;
}

function readNotification(raw: unknown): LinkedInSignal | undefined {
  const notification = asObject(raw);
  const action = asString(notification?.['action']);
  if (!notification || action === undefined) return undefined;
  const member = memberOf(action, notification);
  const at = epochMs(notification['lastModifiedAt']);
  if (!isMemberUrn(member) || at === undefined) return undefined;
  const signal: LinkedInSignal = { memberUrn: member, at, action };
  const id = notification['notificationId'];
  if (typeof id === 'number' || typeof id === 'string') signal.notificationId = String(id);
  const organization = asString(notification['organizationalEntity']);
  if (organization !== undefined) signal.organization = organization;
  return signal;
}

/**
 * Reads the member acts out of a delivery: the batched envelope (`{type, notifications: [...]}`, up to 10 per
 * batch) or a single notification object.
 */
export function extractLinkedInSignals(payload: unknown): ExtractedLinkedInSignals {
  const root = asObject(payload);
  if (!root) return { signals: [], ignored: 0 };
  const type = root['type'];
  if (type !== undefined && type !== 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS') return { signals: [], ignored: 1 };
  const notifications = Array.isArray(root['notifications']) ? root['notifications'] : root['action'] !== undefined ? [root] : [];
  const signals: LinkedInSignal[] = [];
  let ignored = 0;
  for (const raw of notifications) {
    const signal = readNotification(raw);
    if (signal) signals.push(signal);
    else ignored++;
  }
  return { signals, ignored };
}
