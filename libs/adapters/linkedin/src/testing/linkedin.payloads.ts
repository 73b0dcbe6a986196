/**
 * Organization social action notification bodies in the shape LinkedIn documents (`notificationId`,
 * `organizationalEntity`, `action`, `sourcePost`, `decoratedGeneratedActivity`, `lastModifiedAt`, ...), batched
 * under `{type, notifications}`.
 */

export type SocialAction = 'LIKE' | 'COMMENT' | 'SHARE' | 'SHARE_MENTION' | 'ADMIN_COMMENT' | 'COMMENT_EDIT' | 'COMMENT_DELETE';

export interface SocialActionSpec {
  action: SocialAction;
  /** The member who acted (`urn:li:person:...`); for ADMIN_COMMENT the Page itself is the owner. */
  actor: string;
  /** Event time: a Date or epoch ms. */
  at: Date | number;
  organization?: string;
  notificationId?: number;
  text?: string;
  /** Put the member in a top-level `actor` field too (LIKE has nowhere else to name them). */
  includeActorField?: boolean;
}

let nextId = 5_603_453_321;
let nextActivity = 7_094_637_247_890_620_418n;

export function linkedinSocialActionNotification(spec: SocialActionSpec): Record<string, unknown> {
  const organization = spec.organization ?? 'urn:li:organization:96072893';
  const at = typeof spec.at === 'number' ? spec.at : spec.at.getTime();
  const sourcePost = `urn:li:activity:${nextActivity++}`;
  const notification: Record<string, unknown> = {
    notificationId: spec.notificationId ?? nextId++,
    organizationalEntity: organization,
    action: spec.action,
    sourcePost,
    decoratedSourcePost: { owner: organization, mediaCategory: 'NONE', text: 'A post of ours', entity: `urn:li:share:${nextActivity++}` },
    lastModifiedAt: at,
    subscriber: 'urn:li:person:subscriberAdmin',
  };
  if (spec.action === 'COMMENT' || spec.action === 'COMMENT_EDIT' || spec.action === 'ADMIN_COMMENT') {
    const comment = `urn:li:comment:(${sourcePost},${nextActivity++})`;
    notification['generatedActivity'] = comment;
    notification['decoratedGeneratedActivity'] = {
      comment: { owner: spec.action === 'ADMIN_COMMENT' ? organization : spec.actor, text: spec.text ?? 'Nice post', entity: comment, object: sourcePost },
    };
  } else if (spec.action === 'SHARE' || spec.action === 'SHARE_MENTION') {
    const share = `urn:li:share:${nextActivity++}`;
    notification['generatedActivity'] = share;
    notification['decoratedGeneratedActivity'] = { share: { owner: spec.actor, text: spec.text ?? 'Worth reading', entity: share } };
  }
  if (spec.includeActorField) notification['actor'] = spec.actor;
  return notification;
}

/** The batch envelope LinkedIn posts (up to 10 notifications of one event type). */
export function linkedinNotificationBatch(notifications: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  return { type: 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS', notifications: [...notifications] };
}
