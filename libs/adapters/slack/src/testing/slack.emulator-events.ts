import type { SlackDndWindow } from '@amo/presence-core';
import { signSlack } from '@amo/presence-adapter-kit';
import type { SlackStatusFields } from '../slack.state';

// `string & {}` keeps editor completion for the two real values while allowing a scripted unknown one.
export type SlackEmulatorPresence = 'active' | 'away' | (string & {});

/** A user as the emulator holds them. */
export interface SlackEmulatorUser {
  id: string;
  name: string;
  /** `active` or `away`; any other string is sent as is, to test how an adapter meets a value Slack never documented. */
  presence: SlackEmulatorPresence;
  dnd: SlackDndWindow;
  status: SlackStatusFields;
}

/** The answer an events endpoint gave to one delivery. */
export interface SlackDeliveryResult {
  status: number;
  body: string;
}

export interface SlackDeliveryOptions {
  /** Defaults to the emulator's signing secret; pass another to deliver a wrongly signed request. */
  signingSecret?: string;
  /** Unix seconds for X-Slack-Request-Timestamp; defaults to the emulator clock (old values test the replay window). */
  timestamp?: number;
  /** Overrides X-Slack-Signature entirely. */
  signature?: string;
}

/** The profile fields Slack sends in users.profile.get and in user_change events. */
export function profileOf(user: SlackEmulatorUser): Record<string, unknown> {
  return {
    real_name: user.name,
    display_name: user.name,
    real_name_normalized: user.name,
    display_name_normalized: user.name,
    status_text: user.status.status_text ?? '',
    status_emoji: user.status.status_emoji ?? '',
    status_emoji_display_info: [],
    status_expiration: user.status.status_expiration ?? 0,
  };
}

/** The `dnd.teamInfo` entry for a user; Slack answers `1`/`1` for someone with no schedule. */
export function dndOf(user: SlackEmulatorUser): Record<string, unknown> {
  return {
    dnd_enabled: user.dnd.dnd_enabled === true,
    next_dnd_start_ts: user.dnd.next_dnd_start_ts ?? 1,
    next_dnd_end_ts: user.dnd.next_dnd_end_ts ?? 1,
  };
}

/** The Events API envelope around one inner event. */
export function eventEnvelope(teamId: string, appId: string, event: Record<string, unknown>, nowMs: number, seq: number): Record<string, unknown> {
  const eventTime = Math.floor(nowMs / 1000);
  return {
    token: 'emulator-verification-token',
    team_id: teamId,
    api_app_id: appId,
    event: { ...event, event_ts: `${eventTime}.${String(seq).padStart(6, '0')}` },
    type: 'event_callback',
    event_id: `Ev${String(seq).padStart(9, '0')}`,
    event_time: eventTime,
  };
}

/** `user_change` or `user_status_changed`: the whole user object with its profile, as Slack sends it. */
export function userEvent(type: 'user_change' | 'user_status_changed', teamId: string, user: SlackEmulatorUser, nowMs: number): Record<string, unknown> {
  return {
    type,
    user: { id: user.id, team_id: teamId, name: user.name, deleted: false, profile: profileOf(user), updated: Math.floor(nowMs / 1000) },
    cache_ts: Math.floor(nowMs / 1000),
  };
}

export function dndEvent(user: SlackEmulatorUser): Record<string, unknown> {
  return { type: 'dnd_updated_user', user: user.id, dnd_status: dndOf(user) };
}

/** POSTs a JSON payload to an events URL the way Slack does: raw JSON body, v0 signature, request timestamp. */
export async function deliverSigned(
  url: string,
  payload: unknown,
  signingSecret: string,
  timestamp: number,
  signature?: string,
): Promise<SlackDeliveryResult> {
  const rawBody = JSON.stringify(payload);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature ?? signSlack(signingSecret, timestamp, rawBody),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    },
    body: rawBody,
  });
  return { status: response.status, body: await response.text() };
}
