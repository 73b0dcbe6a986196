import { z } from 'zod';
import { platform, presenceStatus } from './common';
import { errorCodeTable, errorDetail, errorResponse } from './errors';
import * as mt from './meetings';
import { errorStatuses, type OperationSpec, type ResponseSpec } from './operation';
import { MEETING_OPERATIONS, OPERATIONS } from './operations';
import * as rq from './requests';
import * as rs from './responses';
import { streamClientFrame, streamServerMessage } from './stream';
import { webhookOperation, type WebhookRoute } from './webhooks';

type Json = Record<string, unknown>;

/** The named schemas of `components.schemas`, by name. */
export const NAMED_SCHEMAS: Record<string, z.ZodType> = {
  Platform: platform,
  PresenceStatus: presenceStatus,
  PlatformPresence: rs.platformPresence,
  PersonPlatformPresence: rs.personPlatformPresence,
  PresenceDocument: rs.presenceDocument,
  PresenceBatchRequest: rq.presenceBatchRequest,
  PresenceBatchResponse: rs.presenceBatchResponse,
  AvailabilityRequest: rq.availabilityRequest,
  AvailabilityDetail: rs.availabilityDetail,
  AvailabilityResponse: rs.availabilityResponse,
  IdentityLinks: rq.identityLinks,
  Identities: rs.identitiesResponse,
  IdentitiesBatchRequest: rq.identitiesBatchRequest,
  IdentitiesBatchResponse: rs.identitiesBatchResponse,
  UsersPage: rs.usersPage,
  PreferencesRequest: rq.preferencesRequest,
  Preferences: rs.preferencesResponse,
  PersonExport: rs.personExport,
  PlatformStatus: rs.platformStatus,
  PlatformsResponse: rs.platformsResponse,
  ConnectRequest: rq.connectRequest,
  MonitoringIntervalRequest: rq.monitoringIntervalRequest,
  MonitoringRequest: rq.monitoringPlatformsRequest,
  MonitoringResponse: rs.monitoringResponse,
  StatsResponse: rs.statsResponse,
  ApiKeyRequest: rq.apiKeyRequest,
  ApiKey: rs.apiKey,
  ApiKeyCreated: rs.apiKeyCreated,
  ApiKeysResponse: rs.apiKeysResponse,
  AuditPage: rs.auditPage,
  OAuthStartRequest: rq.oauthStartRequest,
  OAuthStartResponse: rs.oauthStartResponse,
  HealthResponse: rs.healthResponse,
  RankedChannel: mt.rankedChannel,
  ChannelsResponse: mt.channelsResponse,
  MeetingsNowRequest: mt.meetingsNowRequest,
  MeetingsNowResponse: mt.meetingsNowResponse,
  MeetingsSuggestRequest: mt.meetingsSuggestRequest,
  MeetingsSuggestResponse: mt.meetingsSuggestResponse,
  ErrorDetail: errorDetail,
  ErrorResponse: errorResponse,
  StreamClientFrame: streamClientFrame,
  StreamServerMessage: streamServerMessage,
};

const REF = (name: string) => `#/components/schemas/${name}`;

/** What the builder needs from the running service. */
export interface OpenApiOptions {
  /** The webhook routes the platform registry declares. */
  webhooks?: readonly WebhookRoute[];
}

const DESCRIPTION = [
  'Cross-platform presence (Discord, Slack, Teams, Zoom, WhatsApp, LinkedIn) for the Autonomous Meeting Orchestrator.',
  '',
  'Authenticate with `Authorization: Bearer <api key>`. Scopes are ordered: `admin` includes `write`, `write` includes `read`.',
  'JSON fields are camelCase; times are ISO 8601 in UTC with `Z`. Every answer carries `X-Request-Id` (an incoming one is kept);',
  'every answer to a keyed request carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`, and a 429 carries `Retry-After`.',
  '',
  'The live stream is a WebSocket at `/v1/stream` (key as bearer header or `?token=`): client frames are `StreamClientFrame`, server',
  'messages `StreamServerMessage` (a subscription starts with one `snapshot` per person).',
  '',
  'Every error answer is `ErrorResponse`: `{"error": {"code", "message", "details"?, "requestId"}}`. The codes:',
  '',
  errorCodeTable(),
].join('\n');

function strip(schema: Json): Json {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function components(): Json {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', unrepresentable: 'any', uri: REF }) as { schemas: Record<string, Json> };
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, strip(schema)]));
}

function isOptional(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

function parameters(spec: OperationSpec): Json[] {
  const list: Json[] = [];
  for (const [where, object] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!object) continue;
    for (const [name, field] of Object.entries(object.shape as Record<string, z.ZodType>)) {
      const { description, examples, ...schema } = strip(z.toJSONSchema(field, { io: 'input', unrepresentable: 'any' }) as Json);
      list.push({
        name,
        in: where,
        required: where === 'path' || !isOptional(field),
        ...(description ? { description } : {}),
        schema,
        ...(Array.isArray(examples) && examples.length > 0 ? { example: examples[0] } : {}),
      });
    }
  }
  return list;
}

function schemaRef(schema: z.ZodType): Json {
  const name = Object.entries(NAMED_SCHEMAS).find(([, named]) => named === schema)?.[0];
  if (!name) throw new Error('a body or response schema of the contract has no name in NAMED_SCHEMAS');
  return { $ref: REF(name) };
}

const HEADER = (name: string) => ({ $ref: `#/components/headers/${name}` });

function response(spec: ResponseSpec | undefined, description: string, status: number, keyed: boolean): Json {
  const headers: Json = { 'X-Request-Id': HEADER('X-Request-Id') };
  if (keyed) Object.assign(headers, { 'RateLimit-Limit': HEADER('RateLimit-Limit'), 'RateLimit-Remaining': HEADER('RateLimit-Remaining'), 'RateLimit-Reset': HEADER('RateLimit-Reset') });
  if (status === 429) headers['Retry-After'] = HEADER('Retry-After');
  const error = { schema: { $ref: REF('ErrorResponse') } };
  let content: Json | undefined;
  if (!spec) content = { 'application/json': error };
  else if (spec.contentType === 'json-or-text') {
    content = { 'application/json': status < 300 ? { schema: { type: 'object', additionalProperties: true } } : error, 'text/plain': { schema: { type: 'string' } } };
  } else if (spec.contentType) {
    content = { [spec.contentType]: { schema: { type: 'string' } }, ...(status >= 400 ? { 'application/json': error } : {}) };
  } else if (spec.schema) content = { 'application/json': { schema: schemaRef(spec.schema) } };
  return { description: spec?.description ?? description, headers, ...(content ? { content } : {}) };
}

/** The OpenAPI 3.1 path item entry of one operation. */
export function openApiOperation(spec: OperationSpec): Json {
  const keyed = spec.scope !== null;
  const responses: Json = {};
  const errors = errorStatuses(spec);
  const statuses = [...new Set([...Object.keys(spec.responses), ...Object.keys(errors)].map(Number))].sort((a, b) => a - b);
  for (const status of statuses) responses[String(status)] = response(spec.responses[status], errors[status] ?? '', status, keyed);
  // The codes a request that satisfies the schema may still get (the domain refused it), so a fuzzer can tell them from invalid input.
  if (spec.semantic400) (responses['400'] as Json)['x-domain-refusals'] = [...spec.semantic400];
  const params = parameters(spec);
  return {
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description || spec.scope ? { description: [spec.description, spec.scope ? `Scope: \`${spec.scope}\`.` : undefined].filter(Boolean).join(' ') } : {}),
    security: keyed ? [{ bearer: [] }] : [],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.body.required,
            content: {
              'application/json': {
                schema: schemaRef(spec.body.schema),
                ...(spec.body.examples ? { examples: Object.fromEntries(Object.entries(spec.body.examples).map(([name, value]) => [name, { value }])) } : {}),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

/** Every operation of the service: the fixed ones and one per declared webhook route. */
export function allOperations(options: OpenApiOptions = {}): OperationSpec[] {
  return [...Object.values(OPERATIONS), ...Object.values(MEETING_OPERATIONS), ...(options.webhooks ?? []).map(webhookOperation)];
}

const header = (description: string, type: 'string' | 'integer') => ({ description, schema: { type } });

/** The service's OpenAPI 3.1 document, generated from the contract's schemas and operations. */
export function buildOpenApiDocument(options: OpenApiOptions = {}): Json {
  const paths: Record<string, Json> = {};
  for (const spec of allOperations(options)) (paths[spec.path] ??= {})[spec.method] = openApiOperation(spec);
  return {
    openapi: '3.1.0',
    info: { title: 'Presence Aggregator API', version: '1', description: DESCRIPTION },
    tags: [
      { name: 'presence', description: 'Reads, all served from the cache (read scope)' },
      { name: 'users', description: 'People: identity links, preferences, erasure and export' },
      { name: 'platforms', description: 'Connections and monitoring (admin scope)' },
      { name: 'admin', description: 'API keys and the audit log (admin scope)' },
      { name: 'oauth', description: 'OAuth connect flows' },
      { name: 'operations', description: 'Health and metrics (public)' },
      { name: 'webhooks', description: 'Platform deliveries, checked by their signatures (public)' },
    ],
    paths,
    components: {
      schemas: components(),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (opaque; created with POST /v1/api-keys)' } },
      headers: {
        'X-Request-Id': header('The request id (the incoming X-Request-Id when it has one); also in error bodies and the log', 'string'),
        'RateLimit-Limit': header("Requests the key may make per window", 'integer'),
        'RateLimit-Remaining': header('Requests left in the current window', 'integer'),
        'RateLimit-Reset': header('Seconds until the window resets', 'integer'),
        'Retry-After': header('Seconds to wait before retrying', 'integer'),
      },
    },
  };
}
