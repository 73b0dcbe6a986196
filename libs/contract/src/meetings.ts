import { booleanFlag, idString, isoTime, platform, presenceStatus } from './common';
import { timeZone } from './requests';
import { WEEKDAYS } from '@amo/presence-core';
import { z } from 'zod';

/** Most people `POST /v1/meetings/now` may name. */
export const MAX_MEETING_NOW_PEOPLE = 100;
/** Most people `POST /v1/meetings/suggest` may name. */
export const MAX_SUGGEST_PEOPLE = 50;
/** Most slots one suggestion answer holds. */
export const MAX_SUGGEST_LIMIT = 20;

const userIds = (max: number) =>
  z
    .array(idString('each user id'), { error: 'userIds must be an array of user ids' })
    .min(1, { error: 'userIds must name at least one person' })
    .max(max, { error: `userIds may name at most ${max} people` })
    .meta({ description: `1-${max} user ids`, examples: [['alice', 'bob']] });

const integer = (name: string, min: number, max: number) =>
  z
    .number({ error: `${name} must be a number` })
    .int({ error: `${name} must be a whole number` })
    .min(min, { error: `${name} must be at least ${min}` })
    .max(max, { error: `${name} must be at most ${max}` });

const clockTime = (allow24: boolean) =>
  z
    .string()
    .regex(allow24 ? /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/ : /^([01]\d|2[0-3]):[0-5]\d$/, { error: `must be HH:MM (24-hour${allow24 ? ', or 24:00' : ''})` })
    .meta({ examples: [allow24 ? '17:00' : '09:00'] });

/** `GET /v1/users/{userId}/channels` query: `urgent=true` lets a platform where the person is busy but active rank above away ones. */
export const channelsQuery = z.object({
  urgent: booleanFlag('urgent').optional().meta({ description: 'true: busy but active (in a meeting) ranks above away', examples: ['true'] }),
});

/** One ranked channel: why it ranks where it does is in `reasons`. */
export const rankedChannel = z.object({
  platform,
  accountId: z.string(),
  status: presenceStatus,
  stale: z.boolean(),
  lastSeen: isoTime.nullable(),
  score: z.number(),
  reasons: z.array(z.string()),
});

/** `GET /v1/users/{userId}/channels` answer: best first. */
export const channelsResponse = z.object({ userId: z.string(), channels: z.array(rankedChannel) });

/** `POST /v1/meetings/now` body. */
export const meetingsNowRequest = z.object({ userIds: userIds(MAX_MEETING_NOW_PEOPLE) });

/** `POST /v1/meetings/now` answer: every person asked about, unknown ones with `known: false`. */
export const meetingsNowResponse = z.object({
  allAvailable: z.boolean(),
  people: z.array(
    z.object({
      userId: z.string(),
      known: z.boolean(),
      available: z.boolean(),
      status: presenceStatus,
      decidedBy: platform.nullable(),
      blockers: z.array(z.object({ platform: platform.nullable(), status: presenceStatus, reason: z.string() })),
      bestChannel: rankedChannel.nullable(),
    }),
  ),
});

/** `POST /v1/meetings/suggest` body. Working hours are read in `timeZone`; by default 09:00-17:00 Monday to Friday. */
export const meetingsSuggestRequest = z.strictObject({
  userIds: userIds(MAX_SUGGEST_PEOPLE),
  durationMinutes: integer('durationMinutes', 15, 480),
  withinDays: integer('withinDays', 1, 14),
  timeZone,
  workingHours: z
    .strictObject({
      start: clockTime(false),
      end: clockTime(true),
      days: z.array(z.enum(WEEKDAYS, { error: `each day must be one of ${WEEKDAYS.join(', ')}` })).min(1).max(7),
    })
    .optional(),
  limit: integer('limit', 1, MAX_SUGGEST_LIMIT).optional(),
});

/** `POST /v1/meetings/suggest` answer: slots best first (they do not overlap), and who had no usable history. */
export const meetingsSuggestResponse = z.object({
  slots: z.array(
    z.object({
      start: isoTime,
      end: isoTime,
      probability: z.number(),
      people: z.array(z.object({ userId: z.string(), probability: z.number(), observedHours: z.number() })),
    }),
  ),
  unknown: z.array(z.string()),
});

export type ChannelsQuery = z.input<typeof channelsQuery>;
export type RankedChannel = z.output<typeof rankedChannel>;
export type ChannelsResponse = z.output<typeof channelsResponse>;
export type MeetingsNowRequest = z.input<typeof meetingsNowRequest>;
export type MeetingsNowResponse = z.output<typeof meetingsNowResponse>;
export type MeetingsSuggestRequest = z.input<typeof meetingsSuggestRequest>;
export type MeetingsSuggestResponse = z.output<typeof meetingsSuggestResponse>;
