import { AGGREGATION_POLICY_NAMES, PLATFORMS } from '@amo/presence-core';
import { z } from 'zod';
import { booleanFlag, byPlatform, cursor, idString, MAX_PEOPLE_PER_CALL, pageLimit, platform, userId } from './common';

const platformList = PLATFORMS.join(', ');

const userIds = (verb: string) =>
  z
    .array(idString('each user id'), { error: 'userIds must be an array of user ids' })
    .min(1, { error: 'userIds must name at least one person' })
    .max(MAX_PEOPLE_PER_CALL, { error: `userIds may name at most ${MAX_PEOPLE_PER_CALL} people` })
    .meta({ description: `the people to ${verb}, 1-${MAX_PEOPLE_PER_CALL} ids`, examples: [['alice', 'bob']] });

/** `POST /v1/availability` body. */
export const availabilityRequest = z.object({ userIds: userIds('check') });

/** `POST /v1/availability` query: `details` adds status, decider and stale platforms per person. */
export const availabilityQuery = z.object({
  details: booleanFlag('details').optional().meta({ description: 'true adds status, decider and stale platforms per person', examples: ['true'] }),
});

/** `POST /v1/presence/batch` body. */
export const presenceBatchRequest = z.object({ userIds: userIds('read') });

/** `{platform: accountId}`: a person's accounts, one per platform (PUT replaces them all). */
export const identityLinks = z.strictObject(byPlatform(idString('account id')).shape, {
  error: (issue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown platform ${issue.keys.join(', ')}; expected one of ${platformList}`
      : 'the body must be an object of {platform: accountId}',
});

/** Most people one `POST /v1/identities/batch` may name. */
export const MAX_BATCH_PEOPLE = MAX_PEOPLE_PER_CALL;

/** `POST /v1/identities/batch` body. */
export const identitiesBatchRequest = z.object({
  people: z
    .array(z.object({ userId: idString('userId'), identities: identityLinks }), { error: 'people must be an array of {userId, identities}' })
    .min(1, { error: 'people must name at least one person' })
    .max(MAX_BATCH_PEOPLE, { error: `people may name at most ${MAX_BATCH_PEOPLE} people per call` }),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be HH:MM (24-hour)' }).meta({ examples: ['22:00'] });

/** An IANA time zone name; a name the runtime does not know is a 400. */
export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .meta({ format: 'iana-time-zone', description: 'an IANA time zone name', examples: ['Europe/Berlin', 'UTC', 'America/New_York'] });

/** `PUT /v1/users/{userId}/preferences` body (replaces the person's preferences). */
export const preferencesRequest = z.strictObject(
  {
    consent: z.boolean({ error: 'must be a boolean' }).optional(),
    optedOut: z.boolean({ error: 'must be a boolean' }).optional(),
    optedOutPlatforms: z.array(platform).max(PLATFORMS.length).optional(),
    policy: z.enum(AGGREGATION_POLICY_NAMES as [string, ...string[]], { error: `must be one of ${AGGREGATION_POLICY_NAMES.join(', ')}` }).optional(),
    preferredPlatforms: z.array(platform).max(PLATFORMS.length).optional(),
    quietHours: z.strictObject({ start: hhmm, end: hhmm, timeZone }).optional(),
    patternsOptIn: z.boolean({ error: 'must be a boolean' }).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : 'the body must be an object') },
);

/** `POST /v1/platforms/{platform}/connect` body: the platform's credential fields (see the README per platform). */
export const connectRequest = z.object({
  credentials: z
    .record(z.string().max(64), z.union([z.string().max(8192), z.number(), z.boolean(), z.array(z.string().max(256)).max(100)]), {
      error: 'credentials must be an object of credential fields',
    })
    .refine((record) => Object.keys(record).length <= 32, { error: 'too many credential fields' })
    .meta({ examples: [{ bot_token: 'xoxb-...', signing_secret: '...' }] }),
});

/** `PUT /v1/platforms/{platform}/monitoring` body. */
export const monitoringIntervalRequest = z.object({
  intervalSeconds: z
    .number({ error: 'intervalSeconds must be a number' })
    .int({ error: 'intervalSeconds must be a whole number' })
    .min(1, { error: 'intervalSeconds must be at least 1' })
    .max(86_400, { error: 'intervalSeconds must be at most 86400' })
    .meta({ examples: [60] }),
});

/** `POST /v1/monitoring/start` and `/stop` body: these platforms, or (no body) every one. */
export const monitoringPlatformsRequest = z.object({ platforms: z.array(platform).min(1).max(PLATFORMS.length).optional() });

/** `POST /v1/api-keys` body. */
export const apiKeyRequest = z.object({
  name: idString('name', 128).meta({ examples: ['amo-scheduler'] }),
  scopes: z
    .array(z.enum(['read', 'write', 'admin'], { error: 'must be read, write or admin' }))
    .min(1, { error: 'scopes must name at least one scope' })
    .max(3)
    .meta({ examples: [['read']] }),
});

/** `POST /v1/oauth/{platform}/start` body: client credentials when the environment has none. */
export const oauthStartRequest = z.object({
  clientId: z.string().min(1).max(256).optional(),
  clientSecret: z.string().min(1).max(1024).optional(),
  tenantId: z.string().min(1).max(256).optional(),
});

const callbackField = (description: string) => z.string().max(2048).optional().meta({ description });

/** `GET /v1/oauth/{platform}/callback` query: what the platform appends when it sends the browser back. */
export const oauthCallbackQuery = z.object({
  state: callbackField('the single-use state of POST /v1/oauth/{platform}/start'),
  code: callbackField('the authorization code'),
  error: callbackField("the platform's refusal, when access was not granted"),
  error_description: callbackField("the platform's words for the refusal"),
});

/** `GET /v1/users` query. */
export const usersQuery = z.object({ limit: pageLimit.optional(), cursor: cursor.optional() });

/** `GET /v1/audit` query. */
export const auditQuery = z.object({
  userId: userId.optional(),
  since: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), { error: 'since must be an ISO 8601 date-time' })
    .transform((value) => new Date(value))
    .meta({ format: 'date-time', description: 'only changes at or after this time (ISO 8601)', examples: ['2026-11-26T00:00:00Z'] })
    .optional(),
  limit: pageLimit.optional(),
  cursor: cursor.optional(),
});

/** Path parameters. */
export const userIdPath = z.object({ userId });
export const platformPath = z.object({ platform });
export const apiKeyIdPath = z.object({ id: idString('id').meta({ description: 'the key id from POST /v1/api-keys', examples: ['3f2c0e9a'] }) });

export type AvailabilityRequest = z.input<typeof availabilityRequest>;
export type AvailabilityQuery = z.input<typeof availabilityQuery>;
export type PresenceBatchRequest = z.input<typeof presenceBatchRequest>;
export type IdentityLinks = z.input<typeof identityLinks>;
export type IdentitiesBatchRequest = z.input<typeof identitiesBatchRequest>;
export type PreferencesRequest = z.input<typeof preferencesRequest>;
export type ConnectRequest = z.input<typeof connectRequest>;
export type MonitoringIntervalRequest = z.input<typeof monitoringIntervalRequest>;
export type MonitoringPlatformsRequest = z.input<typeof monitoringPlatformsRequest>;
export type ApiKeyRequest = z.input<typeof apiKeyRequest>;
export type OAuthStartRequest = z.input<typeof oauthStartRequest>;
export type UsersQuery = z.input<typeof usersQuery>;
export type AuditQuery = z.input<typeof auditQuery>;
