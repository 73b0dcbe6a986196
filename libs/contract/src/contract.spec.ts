import { MAX_ID_LENGTH } from '@amo/presence-core';
import {
  availabilityQuery,
  buildOpenApiDocument,
  errorResponse,
  identitiesBatchRequest,
  identityLinks,
  OPERATIONS,
  presenceBatchRequest,
  presenceDocument,
  streamClientFrame,
  streamServerMessage,
  webhookOperation,
} from './index';

type Json = Record<string, any>;

describe('request schemas', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['0', false],
  ])('details=%s is %s (what Python sends works)', (value, expected) => {
    expect(availabilityQuery.parse({ details: value })).toEqual({ details: expected });
  });

  it('refuses other flag spellings with a message naming the field', () => {
    const result = availabilityQuery.safeParse({ details: 'yes' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(/details must be true or false/);
  });

  it("ids follow core's rules: 1..MAX_ID_LENGTH characters", () => {
    expect(presenceBatchRequest.safeParse({ userIds: ['x'.repeat(MAX_ID_LENGTH)] }).success).toBe(true);
    expect(presenceBatchRequest.safeParse({ userIds: ['x'.repeat(MAX_ID_LENGTH + 1)] }).success).toBe(false);
    expect(presenceBatchRequest.safeParse({ userIds: [''] }).success).toBe(false);
    expect(presenceBatchRequest.safeParse({ userIds: [] }).success).toBe(false);
    expect(presenceBatchRequest.safeParse({ userIds: Array.from({ length: 1001 }, (_, i) => `u${i}`) }).success).toBe(false);
  });

  it("ids follow core's printable-text rule, with core's words", () => {
    const result = presenceBatchRequest.safeParse({ userIds: ['ali\u0007ce'] });
    expect(result.error?.issues[0].message).toBe('each user id must be printable text: a control character (U+0007) at position 3');
    expect(presenceBatchRequest.safeParse({ userIds: ['\ud800'] }).success).toBe(false);
    expect(presenceBatchRequest.safeParse({ userIds: ['emoji \ud83d\ude00 ok'] }).success).toBe(true);
  });

  it('identity links are keyed by platform names only', () => {
    expect(identityLinks.parse({ slack: 'U1', zoom: 'z' })).toEqual({ slack: 'U1', zoom: 'z' });
    expect(identityLinks.safeParse({ myspace: 'tom' }).error?.issues[0].message).toMatch(/unknown platform myspace/);
    expect(identitiesBatchRequest.safeParse({ people: [{ userId: 'a', identities: { slack: 42 } }] }).error?.issues[0].message).toMatch(/must be a string/);
  });

  it('stream frames: userIds or all, never both', () => {
    expect(streamClientFrame.safeParse({ type: 'subscribe', all: true }).success).toBe(true);
    expect(streamClientFrame.safeParse({ type: 'subscribe', userIds: ['a'], all: true }).success).toBe(false);
    expect(streamServerMessage.safeParse({ type: 'snapshot', userId: 'a', presence: null, seq: 1, at: '2026-11-26T07:00:00.000Z' }).success).toBe(true);
  });
});

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument({
    webhooks: [
      { platform: 'teams', method: 'POST', summary: 'Graph change notifications' },
      { platform: 'example', method: 'POST', summary: 'a platform the contract does not know' },
    ],
  }) as Json;
  const operations = Object.entries(document.paths as Json).flatMap(([path, item]) => Object.entries(item as Json).map(([method, op]) => ({ path, method, op: op as Json })));

  it('names every operation readably and once', () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
    expect(ids).toEqual(expect.arrayContaining(['getPresence', 'checkAvailability', 'linkIdentities', 'linkIdentitiesBatch', 'getPresenceBatch', 'startMonitoring', 'receiveTeamsWebhook', 'receiveExampleWebhook']));
  });

  it('gives every JSON answer a schema, and every error of a keyed operation the error shape', () => {
    for (const { op } of operations) {
      for (const [status, response] of Object.entries(op.responses as Json)) {
        for (const [type, media] of Object.entries((response.content ?? {}) as Json)) {
          expect(media.schema).toBeDefined();
          if (type === 'application/json' && Number(status) >= 400 && op.operationId !== 'getHealth') expect(media.schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
        }
        if (Number(status) !== 204) expect(response.content).toBeDefined();
      }
      if (op.security.length > 0) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403', '429', '500']));
      if (op.requestBody) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '413', '415']));
    }
  });

  it('types path parameters: platform is an enum, user ids have limits and examples', () => {
    const connect = document.paths['/v1/platforms/{platform}/connect'].post;
    expect(connect.parameters[0]).toMatchObject({ name: 'platform', in: 'path', required: true, schema: { enum: ['discord', 'slack', 'teams', 'zoom', 'whatsapp', 'linkedin'] } });
    const presence = document.paths['/v1/presence/{userId}'].get;
    expect(presence.parameters[0]).toMatchObject({ name: 'userId', schema: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH }, example: 'alice' });
    const availability = document.paths['/v1/availability'].post;
    expect(availability.parameters[0].schema.enum).toEqual(expect.arrayContaining(['true', 'True', '1', 'false', 'False', '0']));
  });

  it('has the shared schemas in components and an opaque bearer scheme', () => {
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['PresenceDocument', 'ErrorResponse', 'AvailabilityResponse', 'PresenceBatchResponse', 'StreamServerMessage']));
    expect(document.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(document.components.securitySchemes.bearer.bearerFormat).toBeUndefined();
    expect(JSON.stringify(document)).not.toMatch(/the seed|\$schema|"\$id"/);
  });

  it('documents webhook receivers as public, with the statuses their handlers answer', () => {
    const teams = webhookOperation({ platform: 'teams', method: 'POST', summary: 's' });
    expect(teams.scope).toBeNull();
    expect(Object.keys(teams.responses)).toEqual(['200', '202', '400', '403', '404', '413']);
    expect(document.paths['/v1/webhooks/teams'].post.security).toEqual([]);
  });

  it('every fixed operation is in the document under its own id', () => {
    for (const [id, spec] of Object.entries(OPERATIONS)) expect(document.paths[spec.path][spec.method].operationId).toBe(id);
  });
});

describe('response schemas', () => {
  it('a "linked, no data" entry is a valid presence document', () => {
    const doc = {
      userId: 'alice',
      status: 'unknown',
      available: false,
      decidedBy: null,
      policy: 'highest-priority',
      platforms: { whatsapp: { status: 'unknown', rawStatus: null, activity: null, customMessage: null, lastSeen: null, lastUpdated: null, stale: true } },
      updatedAt: null,
    };
    expect(presenceDocument.parse(doc)).toEqual(doc);
  });

  it('the error shape carries code, message, optional details and the request id', () => {
    expect(errorResponse.safeParse({ error: { code: 'CONFLICT', message: 'm', details: [{ path: 'body.people.0.userId', message: 'x' }], requestId: 'r' } }).success).toBe(true);
    expect(errorResponse.safeParse({ error: { code: 'CONFLICT', message: 'm' } }).success).toBe(false);
  });
});
