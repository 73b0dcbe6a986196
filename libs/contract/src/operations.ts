import { MAX_PEOPLE_PER_CALL } from './common';
import * as mt from './meetings';
import { operation, type OperationSpec } from './operation';
import * as rq from './requests';
import * as rs from './responses';

const json = (description: string, schema: OperationSpec['responses'][number]['schema']) => ({ description, schema });

/** The HTTP operations with a fixed path (the webhook receivers come from the platform registry: `webhookOperation`). */
export const OPERATIONS = {
  getPresence: operation({
    operationId: 'getPresence', method: 'get', path: '/v1/presence/{userId}', tag: 'presence', scope: 'read',
    summary: "A person's aggregate and per-platform presence",
    description: 'Served from the cache. A linked account without a reading yet is listed with `lastUpdated: null` ("linked, no data"). 404 when the person has no identity links.',
    params: rq.userIdPath,
    responses: { 200: json('the presence document', rs.presenceDocument) },
    errors: { 404: 'the person has no identity links (`NOT_FOUND`)' },
  }),
  getPresenceBatch: operation({
    operationId: 'getPresenceBatch', method: 'post', path: '/v1/presence/batch', tag: 'presence', scope: 'read',
    summary: `Presence documents of up to ${MAX_PEOPLE_PER_CALL} people in one call`,
    description: 'Served from the cache; counts as one request against the key\'s rate limit. People without identity links are listed in `notFound`.',
    body: { schema: rq.presenceBatchRequest, required: true, examples: { two: { userIds: ['alice', 'bob'] } } },
    responses: { 200: json('the documents by user id, and the ids without links', rs.presenceBatchResponse) },
  }),
  checkAvailability: operation({
    operationId: 'checkAvailability', method: 'post', path: '/v1/availability', tag: 'presence', scope: 'read',
    summary: `Who of these 1-${MAX_PEOPLE_PER_CALL} people is available now`,
    description: 'Available: the aggregate is online or idle, the person consented, did not opt out and is outside their quiet hours. Stale records do not vote. `details=true` adds status, decider and stale platforms.',
    query: rq.availabilityQuery,
    body: { schema: rq.availabilityRequest, required: true, examples: { two: { userIds: ['alice', 'bob'] } } },
    responses: { 200: json('availability by user id (and details when asked)', rs.availabilityResponse) },
  }),
  getStats: operation({
    operationId: 'getStats', method: 'get', path: '/v1/stats', tag: 'presence', scope: 'read',
    summary: 'Counts by status, cache hit rate, polls, errors, retries, breakers and rate-budget use per platform',
    responses: { 200: json('the statistics', rs.statsResponse) },
  }),
  listUsers: operation({
    operationId: 'listUsers', method: 'get', path: '/v1/users', tag: 'users', scope: 'read',
    summary: 'People known to the service (ids and linked platforms), paged',
    description: 'A cursor that is not a `nextCursor` of this listing is refused with 400 `INVALID_INPUT`.',
    query: rq.usersQuery,
    responses: { 200: json('one page; nextCursor is null on the last', rs.usersPage) },
    semantic400: ['INVALID_INPUT'],
  }),
  getIdentities: operation({
    operationId: 'getIdentities', method: 'get', path: '/v1/users/{userId}/identities', tag: 'users', scope: 'write',
    summary: "A person's platform accounts ({platform: accountId}; empty when none)",
    params: rq.userIdPath,
    responses: { 200: json("the person's accounts", rs.identitiesResponse) },
  }),
  linkIdentities: operation({
    operationId: 'linkIdentities', method: 'put', path: '/v1/users/{userId}/identities', tag: 'users', scope: 'write',
    summary: "Replaces a person's platform accounts in one transaction",
    description: 'New accounts show as "linked, no data" until their platform\'s next sweep (brought forward to within a second). 409 when an account belongs to someone else; nothing changes then.',
    params: rq.userIdPath,
    body: { schema: rq.identityLinks, required: true, examples: { alice: { slack: 'U024BE7LH', discord: '80351110224678912' } } },
    responses: { 200: json('the accounts now linked', rs.identitiesResponse) },
    errors: { 409: 'an account is linked to another person (`CONFLICT`); nothing changed' },
  }),
  linkIdentitiesBatch: operation({
    operationId: 'linkIdentitiesBatch', method: 'post', path: '/v1/identities/batch', tag: 'users', scope: 'write',
    summary: `Links up to ${MAX_PEOPLE_PER_CALL} people at once (replace per person, one transaction, all or nothing)`,
    description: "Each person's links become exactly the given ones. Any conflict (an account linked to someone outside the batch, an account claimed twice, a person named twice) answers 409 with one entry in `error.details` per failing person, and nothing changes.",
    body: { schema: rq.identitiesBatchRequest, required: true, examples: { two: { people: [{ userId: 'alice', identities: { slack: 'U024BE7LH' } }, { userId: 'bob', identities: { zoom: 'KDcuGIm1QgePTO8WbOqwIQ' } }] } } },
    responses: { 200: json('all linked, in request order', rs.identitiesBatchResponse) },
    errors: { 409: 'nothing changed; each failing person in `error.details` (`CONFLICT`)' },
  }),
  getPreferences: operation({
    operationId: 'getPreferences', method: 'get', path: '/v1/users/{userId}/preferences', tag: 'users', scope: 'write',
    summary: "A person's consent, opt-outs, aggregation policy, quiet hours and patterns opt-in",
    params: rq.userIdPath,
    responses: { 200: json('the preferences as they apply now', rs.preferencesResponse) },
  }),
  setPreferences: operation({
    operationId: 'setPreferences', method: 'put', path: '/v1/users/{userId}/preferences', tag: 'users', scope: 'write',
    summary: "Replaces a person's preferences; an opt-out removes their cached and stored presence before the answer",
    params: rq.userIdPath,
    body: { schema: rq.preferencesRequest, required: true, examples: { quiet: { consent: true, policy: 'busy-wins', quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' } } } },
    responses: { 200: json('the preferences as they apply now', rs.preferencesResponse) },
    semantic400: ['INVALID_INPUT'],
  }),
  erasePerson: operation({
    operationId: 'erasePerson', method: 'delete', path: '/v1/users/{userId}', tag: 'users', scope: 'write',
    summary: 'Erases everything about a person (links, preferences, snapshot, audit, patterns, cache)',
    params: rq.userIdPath,
    responses: { 204: { description: 'erased (also when nothing was held)' } },
  }),
  exportPerson: operation({
    operationId: 'exportPerson', method: 'get', path: '/v1/users/{userId}/export', tag: 'users', scope: 'write',
    summary: 'Everything held about a person, as JSON',
    params: rq.userIdPath,
    responses: { 200: json('the export', rs.personExport) },
  }),
  listPlatforms: operation({
    operationId: 'listPlatforms', method: 'get', path: '/v1/platforms', tag: 'platforms', scope: 'admin',
    summary: 'Each platform: connected, state, capabilities, monitoring, coverage, breaker, rate budgets, last poll and error',
    responses: { 200: json('every platform', rs.platformsResponse) },
  }),
  connectPlatform: operation({
    operationId: 'connectPlatform', method: 'post', path: '/v1/platforms/{platform}/connect', tag: 'platforms', scope: 'admin',
    summary: "Connects a platform with its credentials (stored encrypted) and starts monitoring it",
    description: 'The credential fields are per platform (see the README). 400 `INVALID_INPUT` when a field the platform needs is missing; 401/403 when the platform refuses them.',
    params: rq.platformPath,
    body: { schema: rq.connectRequest, required: true, examples: { slack: { credentials: { bot_token: 'xoxb-...', signing_secret: '...' } } } },
    responses: { 200: json("the platform's status after connecting", rs.platformStatus) },
    semantic400: ['INVALID_INPUT', 'UNSUPPORTED'],
    errors: { 401: 'no valid API key, or the platform refused the credentials (`AUTH_INVALID`)', 403: 'the key lacks the admin scope, or the platform refused the permission (`PERMISSION_DENIED`)', 503: 'the platform is unavailable (`TRANSIENT`, `PROTOCOL`)' },
  }),
  setPollInterval: operation({
    operationId: 'setPollInterval', method: 'put', path: '/v1/platforms/{platform}/monitoring', tag: 'platforms', scope: 'admin',
    summary: "Changes a platform's polling interval at runtime",
    params: rq.platformPath,
    body: { schema: rq.monitoringIntervalRequest, required: true, examples: { minute: { intervalSeconds: 60 } } },
    responses: { 200: json("the platform's status", rs.platformStatus) },
  }),
  startMonitoring: operation({
    operationId: 'startMonitoring', method: 'post', path: '/v1/monitoring/start', tag: 'platforms', scope: 'admin',
    summary: 'Starts monitoring these platforms, or (no body) every connected one',
    description: 'Naming a platform that is not connected is refused with 400 `UNSUPPORTED`.',
    body: { schema: rq.monitoringPlatformsRequest, required: false, examples: { two: { platforms: ['slack', 'zoom'] } } },
    responses: { 200: json('the platforms monitored now', rs.monitoringResponse) },
    semantic400: ['UNSUPPORTED'],
  }),
  stopMonitoring: operation({
    operationId: 'stopMonitoring', method: 'post', path: '/v1/monitoring/stop', tag: 'platforms', scope: 'admin',
    summary: 'Stops monitoring these platforms, or (no body) all of them',
    description: 'No platform calls, push connections closed (a Discord session is kept for resume), webhook deliveries acknowledged but not applied; records then age and turn stale.',
    body: { schema: rq.monitoringPlatformsRequest, required: false, examples: { one: { platforms: ['slack'] } } },
    responses: { 200: json('the platforms still monitored', rs.monitoringResponse) },
    semantic400: ['UNSUPPORTED'],
  }),
  createApiKey: operation({
    operationId: 'createApiKey', method: 'post', path: '/v1/api-keys', tag: 'admin', scope: 'admin',
    summary: 'Creates an API key; the key itself is in this answer only',
    body: { schema: rq.apiKeyRequest, required: true, examples: { reader: { name: 'amo-scheduler', scopes: ['read'] } } },
    responses: { 201: json('the key and its record', rs.apiKeyCreated) },
  }),
  listApiKeys: operation({
    operationId: 'listApiKeys', method: 'get', path: '/v1/api-keys', tag: 'admin', scope: 'admin',
    summary: 'Lists API keys without their secrets',
    responses: { 200: json('the keys', rs.apiKeysResponse) },
  }),
  revokeApiKey: operation({
    operationId: 'revokeApiKey', method: 'delete', path: '/v1/api-keys/{id}', tag: 'admin', scope: 'admin',
    summary: 'Revokes a key at once',
    params: rq.apiKeyIdPath,
    responses: { 204: { description: 'revoked' } },
    errors: { 404: 'no such key, or already revoked (`NOT_FOUND`)' },
  }),
  listAudit: operation({
    operationId: 'listAudit', method: 'get', path: '/v1/audit', tag: 'admin', scope: 'admin',
    summary: 'The change log, newest first, paged (statuses only, no message text)',
    description: 'A cursor that is not a `nextCursor` of this listing is refused with 400 `INVALID_INPUT`.',
    query: rq.auditQuery,
    responses: { 200: json('one page; nextCursor is null on the last', rs.auditPage) },
    semantic400: ['INVALID_INPUT'],
  }),
  startOAuth: operation({
    operationId: 'startOAuth', method: 'post', path: '/v1/oauth/{platform}/start', tag: 'oauth', scope: 'admin',
    summary: 'Starts an OAuth connect flow: open authorizeUrl in a browser within 10 minutes',
    description: 'Client credentials come from the environment or this body. 400 `UNSUPPORTED` for a platform without a flow (WhatsApp) or without client credentials.',
    params: rq.platformPath,
    body: { schema: rq.oauthStartRequest, required: false },
    responses: { 200: json('where to send the browser', rs.oauthStartResponse) },
    semantic400: ['UNSUPPORTED', 'INVALID_INPUT'],
  }),
  oauthCallback: operation({
    operationId: 'oauthCallback', method: 'get', path: '/v1/oauth/{platform}/callback', tag: 'oauth', scope: null,
    summary: 'Where the platform sends the browser back; answers with a page saying what happened',
    description: 'Public: the single-use state authenticates it. An unknown, used or expired state, a refusal or a missing code answers 400 with a page saying so.',
    params: rq.platformPath,
    query: rq.oauthCallbackQuery,
    semantic400: ['INVALID_INPUT'],
    responses: {
      200: { description: 'connected (an HTML page)', contentType: 'text/html' },
      400: { description: 'unknown or used state, access not granted, or no code (an HTML page); an unknown platform (JSON error)', contentType: 'text/html' },
      502: { description: 'the platform refused the code or the connection failed (an HTML page)', contentType: 'text/html' },
    },
  }),
  getHealth: operation({
    operationId: 'getHealth', method: 'get', path: '/health', tag: 'operations', scope: null,
    summary: 'Database, each connected platform, the scheduler, and whether this is the sandbox',
    description: 'Public: it names no person.',
    responses: {
      200: json('`ok`, or `degraded` when a connected platform is not up (in a cluster also when Redis or the database is down)', rs.healthResponse),
      503: json('the database does not answer (`status: "error"`; outside a cluster)', rs.healthResponse),
    },
  }),
  getMetrics: operation({
    operationId: 'getMetrics', method: 'get', path: '/metrics', tag: 'operations', scope: null,
    summary: 'Prometheus metrics (labels carry platforms, codes and routes, never a person id)',
    responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
  }),
} as const satisfies Record<string, OperationSpec>;

export type OperationId = keyof typeof OPERATIONS;

/** The AMO decision operations (reaching people, meetings), beside the presence API's own. */
export const MEETING_OPERATIONS = {
  getChannels: operation({
    operationId: 'getChannels', method: 'get', path: '/v1/users/{userId}/channels', tag: 'presence', scope: 'read',
    summary: "The best channels to reach a person now: their linked platforms ranked, each with its reasons",
    description: '`urgent=true` lets a platform where the person is busy but active (in a meeting) rank above away ones. 404 when the person has no identity links.',
    params: rq.userIdPath,
    query: mt.channelsQuery,
    responses: { 200: json('the channels, best first', mt.channelsResponse) },
    errors: { 404: 'the person has no identity links (`NOT_FOUND`)' },
  }),
  meetNow: operation({
    operationId: 'meetNow', method: 'post', path: '/v1/meetings/now', tag: 'presence', scope: 'read',
    summary: `Whether up to ${mt.MAX_MEETING_NOW_PEOPLE} people can meet now: who is available, what blocks the others, the best channel for each`,
    description: 'People the service does not know are listed with `known: false`.',
    body: { schema: mt.meetingsNowRequest, required: true, examples: { two: { userIds: ['alice', 'bob'] } } },
    responses: { 200: json('every person asked about', mt.meetingsNowResponse) },
  }),
  suggestMeetings: operation({
    operationId: 'suggestMeetings', method: 'post', path: '/v1/meetings/suggest', tag: 'presence', scope: 'read',
    summary: `Meeting slots for up to ${mt.MAX_SUGGEST_PEOPLE} people, best first, from the availability patterns of those who opted in`,
    description: 'Slots lie inside the working hours (read in `timeZone`; 09:00-17:00 Monday to Friday by default) and outside quiet hours. People without usable history are named in `unknown`.',
    body: { schema: mt.meetingsSuggestRequest, required: true, examples: { team: { userIds: ['alice', 'bob'], durationMinutes: 30, withinDays: 5, timeZone: 'Europe/Berlin' } } },
    responses: { 200: json('the slots and the people without history', mt.meetingsSuggestResponse) },
    semantic400: ['INVALID_INPUT'],
  }),
} as const satisfies Record<string, OperationSpec>;

export type MeetingOperationId = keyof typeof MEETING_OPERATIONS;
