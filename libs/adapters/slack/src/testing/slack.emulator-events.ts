import type { SlackDndWindow } from '@amo/presence-core';
import { signSlack } from '@amo/presence-adapter-kit';
import type { DNDUpdatedUserEvent, UserChangeEvent, UserStatusChangedEvent } from '@slack/types';
import type { DndTeamInfoResponse, UsersProfileGetResponse } from '@slack/web-api';
import type { SlackEventCallback, SlackPresenceEvent } from '../slack.events';
import type { SlackStatusFields } from '../slack.state';

type SlackProfile = NonNullable<UsersProfileGetResponse['profile']>;
type SlackDndEntry = NonNullable<DndTeamInfoResponse['users']>[string];
type SlackEventUser = UserChangeEvent['user'];

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
export function profileOf(user: SlackEmulatorUser): SlackProfile & SlackEventUser['profile'] {
  return {
    title: '',
    phone: '',
    skype: '',
    first_name: user.name,
    last_name: '',
    avatar_hash: 'g0000000000',
    status_text_canonical: '',
    image_24: '',
    image_32: '',
    image_48: '',
    image_72: '',
    image_192: '',
    image_512: '',
    team: 'T0EMULATOR',
    fields: {},
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
export function dndOf(user: SlackEmulatorUser): Required<SlackDndEntry> {
  return {
    dnd_enabled: user.dnd.dnd_enabled === true,
    next_dnd_start_ts: user.dnd.next_dnd_start_ts ?? 1,
    next_dnd_end_ts: user.dnd.next_dnd_end_ts ?? 1,
  };
}

/** The Events API envelope around one inner event. */
export function eventEnvelope<E extends object = SlackPresenceEvent>(
  teamId: string,
  appId: string,
  event: E,
  nowMs: number,
  seq: number,
): SlackEventCallback<E & { event_ts: string }> {
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
export function userEvent(
  type: 'user_change' | 'user_status_changed',
  teamId: string,
  user: SlackEmulatorUser,
  nowMs: number,
): Omit<UserChangeEvent, 'type' | 'event_ts'> & { type: typeof type } & Omit<UserStatusChangedEvent, 'type' | 'event_ts'> {
  const nowSec = Math.floor(nowMs / 1000);
  const eventUser: SlackEventUser & UserStatusChangedEvent['user'] = {
    id: user.id,
    team_id: teamId,
    name: user.name,
    deleted: false,
    color: '9f69e7',
    real_name: user.name,
    tz: 'Europe/Berlin',
    tz_label: 'Central European Summer Time',
    tz_offset: 7200,
    profile: { ...profileOf(user), team: teamId },
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: false,
    updated: nowSec,
    is_email_confirmed: true,
    is_app_user: false,
    who_can_share_contact_card: 'EVERYONE',
    locale: 'en-US',
  };
  return { type, user: eventUser, cache_ts: nowSec };
}

export function dndEvent(user: SlackEmulatorUser): Omit<DNDUpdatedUserEvent, 'event_ts'> {
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
