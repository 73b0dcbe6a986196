import { AGGREGATION_POLICY_NAMES, type AggregationPolicyName } from '@amo/presence-core';
import { z } from 'zod';
import { byPlatform, isoTime, platform, presenceStatus, userId } from './common';
import { rankedChannel } from './meetings';

/** One platform's record as the API shows it (HTTP and stream): ISO times, no person id repeated. */
export const platformPresence = z.object({
  status: presenceStatus,
  rawStatus: z.string().nullable().meta({ description: "the platform's own value, e.g. Do_Not_Disturb" }),
  activity: z.string().nullable(),
  customMessage: z.string().nullable(),
  lastSeen: isoTime.nullable(),
  lastUpdated: isoTime.nullable().meta({ description: 'null only for a linked account with no reading yet ("linked, no data")' }),
  devices: z.record(z.string(), z.string()).optional().meta({ description: 'per-device status where the platform reports it' }),
  expiresAt: isoTime.optional(),
});

/** A platform's record inside a person's presence document: with whether it is stale (stale records do not vote). */
export const personPlatformPresence = platformPresence.extend({ stale: z.boolean() });

/** `GET /v1/presence/{userId}`: a person's aggregate and per-platform presence. */
/** The aggregation policies (`highest-priority`: the highest status wins; `busy-wins`: a fresh busy anywhere decides). */
export const aggregationPolicy = z.enum(AGGREGATION_POLICY_NAMES as [AggregationPolicyName, ...AggregationPolicyName[]]);

export const presenceDocument = z.object({
  userId,
  status: presenceStatus,
  available: z.boolean(),
  decidedBy: platform.nullable(),
  /** The policy this aggregate was decided by: the person's own (preferences) or the service default. */
  policy: aggregationPolicy,
  platforms: byPlatform(personPlatformPresence),
  updatedAt: isoTime.nullable(),
});

/** `POST /v1/presence/batch`: the documents of the people the service knows, and the ids it does not. */
export const presenceBatchResponse = z.object({
  presences: z.record(z.string(), presenceDocument),
  notFound: z.array(z.string()),
});

/** One person's explanation in `POST /v1/availability?details=true`. */
export const availabilityDetail = z.object({
  status: presenceStatus,
  decidedBy: platform.nullable(),
  stale: z.array(platform),
  bestChannel: rankedChannel.nullable().meta({ description: 'the first entry of GET /v1/users/{userId}/channels; null without links or channels' }),
});

/** `POST /v1/availability`. */
export const availabilityResponse = z.object({
  availability: z.record(z.string(), z.boolean()),
  details: z.record(z.string(), availabilityDetail).optional(),
});

/** `{platform: accountId}` as stored. */
export const identitiesResponse = byPlatform(z.string());

/** `POST /v1/identities/batch`. */
export const identitiesBatchResponse = z.object({
  linked: z.number().int(),
  people: z.array(z.object({ userId, identities: identitiesResponse })),
});

/** `GET /v1/users`. */
export const usersPage = z.object({
  users: z.array(z.object({ userId, platforms: z.array(platform) })),
  nextCursor: z.string().nullable(),
});

const quietHours = z.object({ start: z.string(), end: z.string(), timeZone: z.string() });

/** `GET`/`PUT /v1/users/{userId}/preferences`. */
export const preferencesResponse = z.object({
  userId,
  consent: z.boolean().meta({ description: "consent as it applies now: the person's choice or the service default" }),
  consentIsDefault: z.boolean(),
  optedOut: z.boolean(),
  optedOutPlatforms: z.array(platform),
  preferredPlatforms: z.array(platform),
  patternsOptIn: z.boolean(),
  policy: z.string().optional(),
  quietHours: quietHours.optional(),
});

const preferencesStored = z.object({
  consent: z.boolean().optional(),
  optedOut: z.boolean().optional(),
  optedOutPlatforms: z.array(platform).optional(),
  policy: z.string().optional(),
  preferredPlatforms: z.array(platform).optional(),
  quietHours: quietHours.optional(),
  patternsOptIn: z.boolean().optional(),
});

/** `GET /v1/users/{userId}/export`: everything held about the person. */
export const personExport = z.object({
  userId,
  exportedAt: isoTime,
  identities: z.array(z.object({ platform, accountId: z.string(), linkedAt: isoTime })),
  preferences: preferencesStored.nullable(),
  snapshots: z.array(
    z.object({
      platform,
      status: z.string(),
      lastSeen: isoTime.optional(),
      lastUpdated: isoTime,
      confirmedAt: isoTime,
      expiresAt: isoTime.optional(),
      sequence: z.string().optional(),
      rawStatus: z.string().optional(),
      activity: z.string().optional(),
      customMessage: z.string().optional(),
      devices: z.record(z.string(), z.string()).optional(),
    }),
  ),
  auditLog: z.array(z.object({ platform, from: z.string().nullable(), to: z.string(), at: isoTime })),
  availabilityPattern: z
    .array(z.record(z.string(), z.union([z.string(), z.number()])))
    .meta({ description: 'the availability pattern the person opted into, one entry per hour bucket' }),
  cachedPresence: z.record(z.string(), z.unknown()).meta({ description: "the cache's records by platform" }),
});

const lastError = z.object({ code: z.string(), message: z.string(), at: isoTime });
const breaker = z.enum(['closed', 'open', 'half-open']);
const platformState = z.enum(['up', 'degraded', 'down', 'connecting', 'failed', 'disconnected']);
const budgetUse = z.object({ bucket: z.string(), used: z.number(), limit: z.number(), windowMs: z.number() });

/** One platform in `GET /v1/platforms` (and the answer of connect and monitoring changes). */
export const platformStatus = z.object({
  platform,
  installed: z.boolean(),
  connected: z.boolean(),
  state: platformState,
  source: z.string().nullable(),
  capabilities: z
    .object({
      freshness: z.string(),
      poll: z.boolean(),
      push: z.boolean(),
      inferred: z.boolean(),
      batchSize: z.number().int(),
      idsPerMinute: z.number().optional(),
      rateBudgets: z.array(z.object({ bucket: z.string(), limit: z.number(), windowMs: z.number() })),
      fields: z.array(z.string()),
    })
    .nullable(),
  monitoring: z.object({ active: z.boolean(), intervalSeconds: z.number().nullable() }),
  connection: z.string().nullable(),
  breaker: breaker.nullable(),
  breakerRetryInMs: z.number().nullable(),
  rateBudgets: z.array(budgetUse),
  coverage: z.object({ pushed: z.number().int(), polled: z.number().int() }).nullable(),
  lastPollAt: isoTime.nullable(),
  lastError: lastError.nullable(),
  polls: z.number().int(),
  errors: z.number().int(),
});

/** `GET /v1/platforms`. */
/** One live instance of a cluster, as its last heartbeat reported it. */
const clusterInstance = z.object({
  id: z.string(),
  role: z.enum(['api', 'worker', 'all']),
  startedAt: isoTime,
  heartbeatAt: isoTime,
  platforms: z.record(z.string(), z.object({ state: platformState, breaker: breaker.nullable() })),
});

/**
 * In cluster mode only (`DATABASE_URL` postgres:// and `REDIS_URL`): this instance, Redis as it sees it, every live
 * instance (a heartbeat within 15 s) and each platform's state for the cluster, the best any live instance reports.
 */
export const clusterView = z.object({
  instance: z.object({ id: z.string(), role: z.enum(['api', 'worker', 'all']) }),
  redis: z.object({ status: z.enum(['up', 'down']), error: z.string().optional(), downSince: isoTime.optional() }),
  instances: z.array(clusterInstance),
  platforms: z.record(z.string(), platformState),
});

export const platformsResponse = z.object({ platforms: z.array(platformStatus), cluster: clusterView.optional() });

/** `POST /v1/monitoring/start` and `/stop`: the platforms monitored afterwards. */
export const monitoringResponse = z.object({ monitoring: z.array(platform) });

/** `GET /v1/stats`. */
export const statsResponse = z
  .object({
    peopleTracked: z.number().int(),
    byStatus: z.record(z.string(), z.number().int()),
    platforms: z.record(z.string(), z.object({ polls: z.number(), errors: z.number(), state: platformState, breaker: breaker.nullable() }).catchall(z.unknown())),
    cache: z.object({ hits: z.number(), misses: z.number(), hitRate: z.number() }),
    polls: z.number().int(),
    errors: z.number().int(),
    retries: z.number().int(),
    changesEmitted: z.number().int(),
    dropped: z.number().int(),
    listenerFailures: z.number().int(),
  })
  .catchall(z.unknown());

/** An API key without its secret. */
export const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(['read', 'write', 'admin'])),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
});

/** `POST /v1/api-keys`: the key itself, shown in this answer only. */
export const apiKeyCreated = z.object({ key: z.string(), apiKey });

/** `GET /v1/api-keys`. */
export const apiKeysResponse = z.object({ apiKeys: z.array(apiKey) });

/** `GET /v1/audit`. */
export const auditPage = z.object({
  entries: z.array(z.object({ id: z.number().int(), userId, platform, from: z.string().nullable(), to: z.string(), at: isoTime })),
  nextCursor: z.string().nullable(),
});

/** `POST /v1/oauth/{platform}/start`. */
export const oauthStartResponse = z.object({ authorizeUrl: z.string().meta({ format: 'uri' }), expiresAt: isoTime });

/** `GET /health` (200, or 503 with `status: "error"` when the database does not answer). */
export const healthResponse = z.object({
  status: z.enum(['ok', 'degraded', 'error']),
  sandbox: z.boolean(),
  /** PRESENCE_DEFAULT_POLICY: the aggregation policy for people whose preferences name none. */
  defaultPolicy: aggregationPolicy,
  database: z.object({ status: z.enum(['up', 'down']), type: z.string(), error: z.string().optional() }),
  platforms: z.record(z.string(), z.object({ state: platformState, breaker: breaker.nullable(), lastPollAt: isoTime.nullable(), lastError: lastError.nullable() })),
  scheduler: z.object({ status: z.enum(['running', 'stopped']), timers: z.number().int() }),
  /** Cluster mode only; Redis or the database down makes the status `degraded` there (reads are still served). */
  cluster: clusterView.optional(),
  time: isoTime,
});

export type PlatformPresence = z.output<typeof platformPresence>;
export type PersonPlatformPresence = z.output<typeof personPlatformPresence>;
export type PresenceDocument = z.output<typeof presenceDocument>;
export type PresenceBatchResponse = z.output<typeof presenceBatchResponse>;
export type AvailabilityDetail = z.output<typeof availabilityDetail>;
export type AvailabilityResponse = z.output<typeof availabilityResponse>;
export type IdentitiesResponse = z.output<typeof identitiesResponse>;
export type IdentitiesBatchResponse = z.output<typeof identitiesBatchResponse>;
export type UsersPage = z.output<typeof usersPage>;
export type PreferencesResponse = z.output<typeof preferencesResponse>;
export type PersonExport = z.output<typeof personExport>;
export type PlatformStatus = z.output<typeof platformStatus>;
export type PlatformsResponse = z.output<typeof platformsResponse>;
export type MonitoringResponse = z.output<typeof monitoringResponse>;
export type StatsResponse = z.output<typeof statsResponse>;
export type ApiKey = z.output<typeof apiKey>;
export type ApiKeyCreated = z.output<typeof apiKeyCreated>;
export type ApiKeysResponse = z.output<typeof apiKeysResponse>;
export type AuditPage = z.output<typeof auditPage>;
export type OAuthStartResponse = z.output<typeof oauthStartResponse>;
export type HealthResponse = z.output<typeof healthResponse>;
export type ClusterView = z.output<typeof clusterView>;
