import type { Clock, PlatformPresence, SlackDndWindow } from '@amo/presence-core';
import { headerValue, verifySlackSignature, type WebhookHeaders } from '@amo/presence-adapter-kit';
import type { DNDUpdatedUserEvent, UserChangeEvent, UserStatusChangedEvent } from '@slack/types';
import { buildSlackRecord, mergeSlackState, type SlackStatusFields, type SlackUserState, type SlackUserUpdate } from './slack.state';

/** The inner events the adapter uses, as @slack/types publishes them. */
export type SlackPresenceEvent = DNDUpdatedUserEvent | UserChangeEvent | UserStatusChangedEvent;

/**
 * The Events API outer envelope (`event_callback`) around one inner event. @slack/types has no envelope type
 * (Bolt declares its own), so this follows docs.slack.dev/apis/events-api ("Callback field overview").
 */
export interface SlackEventCallback<E = SlackPresenceEvent> {
  type: 'event_callback';
  token: string;
  team_id: string;
  api_app_id: string;
  event: E;
  event_id: string;
  /** Unix seconds. */
  event_time: number;
}

/** The Request URL handshake (docs.slack.dev/reference/events/url_verification); no published type exists. */
export interface SlackUrlVerification {
  type: 'url_verification';
  token: string;
  challenge: string;
}

/** The kit's `WebhookHeaders`: Node's IncomingHttpHeaders, a fetch Headers, or any plain map of names to values. */
export type SlackEventHeaders = WebhookHeaders;

/** One Events API request exactly as received: the raw body is what the signature covers. */
export interface SlackEventRequest {
  headers: SlackEventHeaders;
  rawBody: string | Buffer;
  method?: string;
}

export interface SlackEventSecrets {
  signingSecret: string;
  /** Replay window in seconds (Slack's five minutes by default). */
  toleranceSec?: number;
}

/** What the controller answers, and what the event taught us. */
export interface SlackEventResult {
  status: number;
  body: string;
  contentType: string;
  /** Complete records (status text or DND merged with the last known presence); empty when presence is unknown. */
  records: PlatformPresence[];
  /** The raw facts of the event, for a caller that keeps its own per-user state. */
  updates: SlackUserUpdate[];
  /** The Events API envelope type (`url_verification`, `event_callback`...), when the request verified. */
  type?: string;
  /** The inner event type (`user_change`, `dnd_updated_user`...), for event callbacks. */
  eventType?: string;
}

/** Looks up what is already known about a user, so a pushed record can carry their presence. */
export type SlackStateLookup = (accountId: string) => SlackUserState | undefined;

function reply(status: number, body: string, extra: Partial<SlackEventResult> = {}): SlackEventResult {
  return { status, body, contentType: 'text/plain; charset=utf-8', records: [], updates: [], ...extra };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function statusFields(profile: unknown): SlackStatusFields | undefined {
  if (!isObject(profile)) return undefined;
  return {
    status_text: typeof profile.status_text === 'string' ? profile.status_text : '',
    status_emoji: typeof profile.status_emoji === 'string' ? profile.status_emoji : '',
    status_expiration: typeof profile.status_expiration === 'number' ? profile.status_expiration : 0,
  };
}

function dndWindow(value: unknown): SlackDndWindow | undefined {
  if (!isObject(value)) return undefined;
  return {
    dnd_enabled: value.dnd_enabled === true,
    next_dnd_start_ts: typeof value.next_dnd_start_ts === 'number' ? value.next_dnd_start_ts : undefined,
    next_dnd_end_ts: typeof value.next_dnd_end_ts === 'number' ? value.next_dnd_end_ts : undefined,
  };
}

/** The presence-relevant facts of one inner event; undefined for events we do not use. */
export function slackEventUpdate(event: unknown, at: number): SlackUserUpdate | undefined {
  if (!isObject(event)) return undefined;
  // Published types, read as Partial: a field Slack promises is still checked before it is trusted.
  if (event.type === 'user_status_changed' || event.type === 'user_change') {
    const user: unknown = (event as Partial<UserChangeEvent | UserStatusChangedEvent>).user;
    if (!isObject(user) || typeof user.id !== 'string' || user.deleted === true) return undefined;
    const status = statusFields(user.profile);
    return status ? { accountId: user.id, at, status } : undefined;
  }
  if (event.type === 'dnd_updated_user') {
    const typed = event as Partial<DNDUpdatedUserEvent>;
    const dnd = dndWindow(typed.dnd_status);
    return typeof typed.user === 'string' && dnd ? { accountId: typed.user, at, dnd } : undefined;
  }
  return undefined;
}

/**
 * Handles one HTTP Events API request, purely: verifies the signing secret (v0 scheme, 5-minute replay window)
 * on the raw body, answers the `url_verification` challenge, and turns `user_status_changed`, `user_change`
 * and `dnd_updated_user` into updates and, where `known` supplies the user's presence, complete records.
 * A request that does not verify gets 401 and changes nothing.
 */
export function handleSlackEvent(
  request: SlackEventRequest,
  secrets: SlackEventSecrets,
  clock: Clock,
  known?: SlackStateLookup,
): SlackEventResult {
  if (request.method !== undefined && request.method.toUpperCase() !== 'POST') return reply(405, 'method not allowed');
  const nowMs = clock.now();
  const verified = verifySlackSignature({
    signingSecret: secrets.signingSecret,
    timestamp: headerValue(request.headers, 'x-slack-request-timestamp'),
    signature: headerValue(request.headers, 'x-slack-signature'),
    rawBody: request.rawBody,
    nowMs,
    toleranceSec: secrets.toleranceSec,
  });
  if (!verified) return reply(401, 'invalid or expired signature');
  let payload: unknown;
  try {
    payload = JSON.parse(request.rawBody.toString());
  } catch {
    return reply(400, 'body is not JSON');
  }
  if (!isObject(payload) || typeof payload.type !== 'string') return reply(400, 'not an Events API payload');
  if (payload.type === 'url_verification') {
    if (typeof payload.challenge !== 'string') return reply(400, 'url_verification without a challenge');
    return reply(200, payload.challenge, { type: payload.type });
  }
  if (payload.type !== 'event_callback') return reply(200, '', { type: payload.type });
  // event_time has one-second resolution: the change may be later in that second than a poll made in it, so the
  // event counts from the end of its second (never from the future).
  const at = typeof payload.event_time === 'number' ? Math.min(payload.event_time * 1000 + 999, nowMs) : nowMs;
  const eventType = isObject(payload.event) && typeof payload.event.type === 'string' ? payload.event.type : undefined;
  const update = slackEventUpdate(payload.event, at);
  if (!update) return reply(200, '', { type: payload.type, eventType });
  const record = known ? buildSlackRecord(update.accountId, mergeSlackState(known(update.accountId), update), nowMs, at) : undefined;
  return reply(200, '', { type: payload.type, eventType, updates: [update], records: record ? [record] : [] });
}
