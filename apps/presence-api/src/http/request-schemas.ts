import { AGGREGATION_POLICY_NAMES, MAX_ID_LENGTH, PLATFORMS } from '@amo/presence-core';
import { z } from 'zod';

const platformList = PLATFORMS.join(', ');

export const idString = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty` })
    .max(MAX_ID_LENGTH, { error: `${what} must be at most ${MAX_ID_LENGTH} characters` });

export const platformName = z.enum(PLATFORMS, { error: `must be one of ${platformList}` });

export const availabilityBody = z.object({
  userIds: z
    .array(idString('each user id'), { error: 'userIds must be an array of user ids' })
    .min(1, { error: 'userIds must name at least one person' })
    .max(1000, { error: 'userIds may name at most 1000 people' }),
});

export const availabilityQuery = z.object({
  details: z.enum(['true', 'false'], { error: 'details must be true or false' }).optional(),
});

export const identitiesBody = z
  .record(z.string(), idString('account id'), { error: 'the body must be an object of {platform: accountId}' })
  .superRefine((links, context) => {
    for (const platform of Object.keys(links)) {
      if (!(PLATFORMS as readonly string[]).includes(platform)) {
        context.addIssue({ code: 'custom', path: [platform], message: `unknown platform; expected one of ${platformList}` });
      }
    }
  });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be HH:MM (24-hour)' });

export const preferencesBody = z.strictObject(
  {
    consent: z.boolean({ error: 'must be a boolean' }).optional(),
    optedOut: z.boolean({ error: 'must be a boolean' }).optional(),
    optedOutPlatforms: z.array(platformName).max(PLATFORMS.length).optional(),
    policy: z.enum(AGGREGATION_POLICY_NAMES as [string, ...string[]], { error: `must be one of ${AGGREGATION_POLICY_NAMES.join(', ')}` }).optional(),
    preferredPlatforms: z.array(platformName).max(PLATFORMS.length).optional(),
    quietHours: z.strictObject({ start: hhmm, end: hhmm, timeZone: z.string().min(1).max(64) }).optional(),
    patternsOptIn: z.boolean({ error: 'must be a boolean' }).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : 'the body must be an object') },
);

export const connectBody = z.object({
  credentials: z
    .record(z.string().max(64), z.union([z.string().max(8192), z.number(), z.boolean(), z.array(z.string().max(256)).max(100)]), {
      error: 'credentials must be an object of credential fields',
    })
    .refine((record) => Object.keys(record).length <= 32, { error: 'too many credential fields' }),
});

export const monitoringIntervalBody = z.object({
  intervalSeconds: z
    .number({ error: 'intervalSeconds must be a number' })
    .int({ error: 'intervalSeconds must be a whole number' })
    .min(1, { error: 'intervalSeconds must be at least 1' })
    .max(86_400, { error: 'intervalSeconds must be at most 86400' }),
});

export const monitoringStartBody = z
  .object({ platforms: z.array(platformName).min(1).max(PLATFORMS.length).optional() })
  .optional()
  .default({});

/** The same shape for stop: these platforms, or every monitored one. */
export const monitoringStopBody = monitoringStartBody;

export const apiKeyBody = z.object({
  name: z.string({ error: 'name must be a string' }).min(1).max(128),
  scopes: z.array(z.enum(['read', 'write', 'admin'], { error: 'must be read, write or admin' })).min(1, { error: 'scopes must name at least one scope' }).max(3),
});

const limit = z.coerce
  .number({ error: 'limit must be a number' })
  .int({ error: 'limit must be a whole number' })
  .min(1, { error: 'limit must be at least 1' })
  .max(1000, { error: 'limit must be at most 1000' })
  .optional();
const cursor = z.string().min(1).max(512).optional();

export const usersQuery = z.object({ limit, cursor });

export const auditQuery = z.object({
  userId: idString('userId').optional(),
  since: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), { error: 'since must be an ISO 8601 date-time' })
    .transform((value) => new Date(value))
    .optional(),
  limit,
  cursor,
});

/** JSON Schema (OpenAPI 3.0 flavour) of a request schema, for @ApiBody and @ApiQuery. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** Most people one `POST /v1/identities/batch` may name. */
export const MAX_BATCH_PEOPLE = 1000;

export const identitiesBatchBody = z.object({
  people: z
    .array(z.object({ userId: idString('userId'), identities: identitiesBody }), { error: 'people must be an array of {userId, identities}' })
    .min(1, { error: 'people must name at least one person' })
    .max(MAX_BATCH_PEOPLE, { error: `people may name at most ${MAX_BATCH_PEOPLE} people per call` }),
});
