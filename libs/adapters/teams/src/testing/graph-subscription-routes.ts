import type { EmulatorReply, EmulatorRequest, EmulatorServer } from '@amo/presence-adapter-kit/testing';
import type { Clock } from '@amo/presence-core';
import type { Subscription } from '@microsoft/microsoft-graph-types';
import { TEAMS_MAX_IDS_PER_REQUEST, TEAMS_MAX_SUBSCRIPTION_MS } from '../teams.manifest';
import { readCertificate } from '../teams.crypto';
import { graphError, unauthenticated } from './graph-replies';
import { type EmulatedSubscription, type GraphSubscriptionStore, parsePresenceResource, subscriptionJson } from './graph-subscriptions';
import type { GraphTokens, IssuedToken } from './graph-tokens';

interface Deps {
  server: EmulatorServer;
  tokens: GraphTokens;
  store: GraphSubscriptionStore;
  clock: Clock;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function expiry(value: unknown, now: number): number | EmulatorReply {
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(at)) return graphError(400, 'InvalidRequest', 'expirationDateTime is required and must be an ISO 8601 date.');
  if (at <= now) return graphError(400, 'InvalidRequest', 'Subscription expiration can only be in the future.');
  if (at > now + TEAMS_MAX_SUBSCRIPTION_MS) return graphError(400, 'InvalidRequest', 'Subscription expiration can only be 60 minutes in the future.');
  return at;
}

/** Presence subscriptions need a delegated token; app-only callers are refused as Graph refuses them. */
function delegated(deps: Deps, req: EmulatorRequest): IssuedToken | EmulatorReply {
  const token = deps.tokens.check(req.headers.authorization);
  if (!token) return unauthenticated();
  if (token.kind !== 'delegated') {
    return graphError(403, 'ExtensionError', 'Operation: Create; Exception: [Status Code: Forbidden; Reason: Application permissions are not supported for presence subscriptions.]');
  }
  return token;
}

function owned(deps: Deps, req: EmulatorRequest): { sub: EmulatedSubscription; token: IssuedToken } | EmulatorReply {
  const token = delegated(deps, req);
  if (!('kind' in token)) return token;
  const sub = deps.store.get(req.params['id'] ?? '');
  if (!sub) return graphError(404, 'ResourceNotFound', 'The object was not found.');
  if (sub.creatorId !== token.userId || sub.tenantId !== token.tenantId) return graphError(403, 'Forbidden', 'Only the creator may change this subscription.');
  return { sub, token };
}

async function create(deps: Deps, req: EmulatorRequest): Promise<EmulatorReply> {
  const token = delegated(deps, req);
  if (!('kind' in token)) return token;
  const body = (req.body ?? {}) as Subscription & Record<string, unknown>;
  if (body['changeType'] !== 'updated') return graphError(400, 'InvalidRequest', "Presence subscriptions support changeType 'updated' only.");
  const ids = typeof body['resource'] === 'string' ? parsePresenceResource(body['resource']) : undefined;
  if (!ids || ids.length === 0) return graphError(400, 'InvalidRequest', 'Resource is not a supported presence resource.');
  if (ids.length > TEAMS_MAX_IDS_PER_REQUEST) return graphError(400, 'InvalidRequest', `A presence subscription may filter on at most ${TEAMS_MAX_IDS_PER_REQUEST} ids.`);
  if (!isHttpUrl(body['notificationUrl'])) return graphError(400, 'InvalidRequest', 'notificationUrl must be an https URL.');
  const lifecycleUrl = body['lifecycleNotificationUrl'];
  if (lifecycleUrl !== undefined && lifecycleUrl !== null && !isHttpUrl(lifecycleUrl)) return graphError(400, 'InvalidRequest', 'lifecycleNotificationUrl must be an https URL.');
  const clientState = body['clientState'];
  if (clientState !== undefined && (typeof clientState !== 'string' || clientState.length > 128)) return graphError(400, 'InvalidRequest', 'clientState must be at most 128 characters.');
  const expiresAt = expiry(body['expirationDateTime'], deps.clock.now());
  if (typeof expiresAt !== 'number') return expiresAt;
  // Graph's rule for presence: one subscription per signed-in user per application, whatever ids it names
  // (microsoftgraph/microsoft-graph-docs-contrib#2219, msgraph-beta-sdk-dotnet#174 quote this answer).
  if (deps.store.presenceHeldBy(token.tenantId, token.clientId, token.userId ?? '')) {
    return graphError(409, 'ExtensionError', 'Operation: Create; Exception: [Status Code: Conflict; Reason: A subscription already exists. It must be deleted before another can be made.]');
  }
  const includeResourceData = body['includeResourceData'] === true;
  let certificate;
  if (includeResourceData) {
    if (typeof body['encryptionCertificate'] !== 'string' || typeof body['encryptionCertificateId'] !== 'string') {
      return graphError(400, 'InvalidRequest', 'includeResourceData requires encryptionCertificate and encryptionCertificateId.');
    }
    try {
      certificate = readCertificate(body['encryptionCertificate']);
    } catch {
      return graphError(400, 'InvalidRequest', 'encryptionCertificate is not a valid base64 X.509 certificate.');
    }
  }
  const urls = [body['notificationUrl'], ...(typeof lifecycleUrl === 'string' && lifecycleUrl !== body['notificationUrl'] ? [lifecycleUrl] : [])];
  for (const url of urls) {
    if (!(await deps.store.validate(url))) {
      return graphError(400, 'ValidationError', 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.');
    }
  }
  const sub = deps.store.add({
    resource: body['resource'] as string,
    userIds: new Set(ids.map((id) => id.toLowerCase())),
    changeType: 'updated',
    notificationUrl: body['notificationUrl'] as string,
    lifecycleNotificationUrl: typeof lifecycleUrl === 'string' ? lifecycleUrl : undefined,
    clientState: clientState as string | undefined,
    expiresAt,
    tenantId: token.tenantId,
    applicationId: token.clientId,
    creatorId: token.userId ?? '',
    includeResourceData,
    certificate,
    encryptionCertificateId: includeResourceData ? (body['encryptionCertificateId'] as string) : undefined,
  });
  return { status: 201, json: subscriptionJson(sub) };
}

/** Mounts POST/GET/PATCH/DELETE /v1.0/subscriptions and POST /v1.0/subscriptions/{id}/reauthorize. */
export function mountSubscriptionRoutes(deps: Deps): void {
  const { server, store, clock } = deps;
  server.route('POST', '/v1.0/subscriptions', (req) => create(deps, req));
  server.route('GET', '/v1.0/subscriptions', (req) => {
    const token = delegated(deps, req);
    if (!('kind' in token)) return token;
    return { json: { value: store.list().filter((sub) => sub.creatorId === token.userId && sub.applicationId === token.clientId).map(subscriptionJson) } };
  });
  server.route('GET', '/v1.0/subscriptions/:id', (req) => {
    const found = owned(deps, req);
    return 'sub' in found ? { json: subscriptionJson(found.sub) } : found;
  });
  server.route('PATCH', '/v1.0/subscriptions/:id', (req) => {
    const found = owned(deps, req);
    if (!('sub' in found)) return found;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const expiresAt = expiry(body['expirationDateTime'], clock.now());
    if (typeof expiresAt !== 'number') return expiresAt;
    found.sub.expiresAt = expiresAt;
    found.sub.reauthorizationRequired = false;
    return { json: subscriptionJson(found.sub) };
  });
  server.route('DELETE', '/v1.0/subscriptions/:id', (req) => {
    const found = owned(deps, req);
    if (!('sub' in found)) return found;
    store.delete(found.sub.id);
    return { status: 204 };
  });
  server.route('POST', '/v1.0/subscriptions/:id/reauthorize', (req) => {
    const found = owned(deps, req);
    if (!('sub' in found)) return found;
    found.sub.reauthorizationRequired = false;
    return { status: 204 };
  });
}
