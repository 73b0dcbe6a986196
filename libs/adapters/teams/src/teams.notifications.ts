import { graphValidationToken, verifyGraphClientState } from '@amo/presence-adapter-kit';
import { type Clock, type PlatformPresence, systemClock } from '@amo/presence-core';
import type { ChangeNotification, ChangeNotificationCollection, LifecycleEventType } from '@microsoft/microsoft-graph-types';
import { decryptGraphContent, findDecryptionKey, GraphDecryptionError, type GraphDecryptionKey, type GraphEncryptedContent } from './teams.crypto';
import { type GraphPresence, toTeamsPresence } from './teams.presence';

/** What the service's webhook controller hands over, untouched (the raw body, not a re-serialized one). */
export interface GraphNotificationRequest {
  method: string;
  query?: Readonly<Record<string, unknown>>;
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  rawBody?: string | Buffer;
}

/** subscriptionId -> the clientState we sent when creating it. */
export type ClientStateLookup = ReadonlyMap<string, string> | Readonly<Record<string, string>> | ((subscriptionId: string) => string | undefined);

export interface GraphNotificationOptions {
  clientStates: ClientStateLookup;
  /** Private keys for rich notifications (includeResourceData); without one, notifications are basic. */
  decryptionKeys?: readonly GraphDecryptionKey[];
  /** observedAt of the records; default the system clock. */
  clock?: Clock;
  /** Bodies above this are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** Stamped on the records' sequence numbers (see `toTeamsPresence`); the adapter passes its run's scope. */
  sequenceScope?: string;
}

export type GraphLifecycleEventName = LifecycleEventType;

export interface GraphLifecycleEvent {
  subscriptionId: string;
  lifecycleEvent: GraphLifecycleEventName | string;
  resource?: string;
  subscriptionExpirationDateTime?: string;
}

export interface GraphNotificationResult {
  kind: 'validation' | 'notifications' | 'rejected';
  status: number;
  body: string;
  contentType: string;
  /** Presence read from rich notifications (decrypted resource data). */
  records: PlatformPresence[];
  /** Lifecycle events to act on (reauthorize or renew). */
  lifecycle: GraphLifecycleEvent[];
  /** Ids a basic notification says changed: read them to learn the new state. */
  changedIds: string[];
  /** Subscriptions that delivered accepted notifications. */
  subscriptionIds: string[];
}

const MAX_VALIDATION_TOKEN = 8192;

function answer(kind: GraphNotificationResult['kind'], status: number, body = '', contentType = 'text/plain; charset=utf-8'): GraphNotificationResult {
  return { kind, status, body, contentType, records: [], lifecycle: [], changedIds: [], subscriptionIds: [] };
}

function reject(status: number, code: string, message: string): GraphNotificationResult {
  return answer('rejected', status, JSON.stringify({ error: { code, message } }), 'application/json');
}

function expectedClientState(lookup: ClientStateLookup, subscriptionId: string): string | undefined {
  if (typeof lookup === 'function') return lookup(subscriptionId);
  if (lookup instanceof Map) return lookup.get(subscriptionId);
  const record = lookup as Readonly<Record<string, string>>;
  return Object.prototype.hasOwnProperty.call(record, subscriptionId) ? record[subscriptionId] : undefined;
}

const RESOURCE_ID = /(?:communications\/presences\/|users\/)([^/'()?]+)/i;

/** A presence notification's `resourceData` (Graph types it as an open `resourceData`). */
interface PresenceResourceData {
  id?: string;
  '@odata.id'?: string;
  '@odata.type'?: string;
}

function resourceId(item: ChangeNotification): string | undefined {
  const data = item.resourceData as PresenceResourceData | null | undefined;
  if (data && typeof data.id === 'string' && data.id.length > 0) return data.id;
  const match = typeof item.resource === 'string' ? RESOURCE_ID.exec(item.resource) : null;
  return match?.[1];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEncryptedContent(value: unknown): value is GraphEncryptedContent {
  return isObject(value) && typeof value['data'] === 'string' && typeof value['dataKey'] === 'string' && typeof value['dataSignature'] === 'string';
}

interface Accepted {
  records: PlatformPresence[];
  lifecycle: GraphLifecycleEvent[];
  changedIds: string[];
  subscriptionIds: Set<string>;
}

function acceptItem(item: ChangeNotification & { subscriptionId: string }, options: GraphNotificationOptions, observedAt: Date, into: Accepted): void {
  const subscriptionId = item.subscriptionId;
  into.subscriptionIds.add(subscriptionId);
  if (typeof item.lifecycleEvent === 'string') {
    const event: GraphLifecycleEvent = { subscriptionId, lifecycleEvent: item.lifecycleEvent };
    if (typeof item.resource === 'string') event.resource = item.resource;
    if (typeof item.subscriptionExpirationDateTime === 'string') event.subscriptionExpirationDateTime = item.subscriptionExpirationDateTime;
    into.lifecycle.push(event);
    return;
  }
  const encrypted = item.encryptedContent;
  const key = isEncryptedContent(encrypted) ? findDecryptionKey(options.decryptionKeys, encrypted) : undefined;
  if (isEncryptedContent(encrypted) && key) {
    const content = decryptGraphContent(encrypted, key);
    if (!isObject(content) || typeof content['id'] !== 'string') throw new GraphDecryptionError('decrypted content is not a presence');
    into.records.push(toTeamsPresence(content as unknown as GraphPresence, observedAt, options.sequenceScope));
    return;
  }
  const id = resourceId(item);
  if (id !== undefined) into.changedIds.push(id);
}

/**
 * Handles one request to the Teams webhook (change and lifecycle notifications share it). Pure: no I/O,
 * so the controller can answer Graph within its 3 s (the 10 s validation) limit and act afterwards.
 * - `?validationToken=` (subscription creation): 200 text/plain echoing the decoded token.
 * - A batch is accepted only if every item carries the clientState of its subscription; otherwise 403
 *   and nothing in it is used. Rich content must decrypt and match its HMAC signature, or 400.
 * - Accepted: 202 with the records, lifecycle events and changed ids for the adapter to apply.
 */
export function handleGraphNotification(request: GraphNotificationRequest, options: GraphNotificationOptions): GraphNotificationResult {
  if (request.method.toUpperCase() !== 'POST') return reject(405, 'MethodNotAllowed', 'Graph notifications are POSTed');
  const validationToken = graphValidationToken(request.query ?? {});
  if (validationToken !== null) {
    if (validationToken.length === 0 || validationToken.length > MAX_VALIDATION_TOKEN) return reject(400, 'BadRequest', 'validationToken has an invalid length');
    return answer('validation', 200, validationToken);
  }
  const raw = request.rawBody ?? '';
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size > (options.maxBodyBytes ?? 1024 * 1024)) return reject(413, 'PayloadTooLarge', 'notification body is too large');
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return reject(400, 'BadRequest', 'notification body is not JSON');
  }
  if (!isObject(parsed) || !Array.isArray(parsed['value'])) return reject(400, 'BadRequest', 'notification body has no value array');
  const items = (parsed as ChangeNotificationCollection).value as unknown[];
  for (const item of items) {
    if (!isObject(item) || typeof item['subscriptionId'] !== 'string') return reject(400, 'BadRequest', 'notification without subscriptionId');
    const expected = expectedClientState(options.clientStates, item['subscriptionId']);
    const presented = (item as ChangeNotification).clientState;
    if (expected === undefined || !verifyGraphClientState(presented, expected)) {
      return reject(403, 'Forbidden', 'clientState does not match the subscription');
    }
  }
  const observedAt = new Date((options.clock ?? systemClock).now());
  const accepted: Accepted = { records: [], lifecycle: [], changedIds: [], subscriptionIds: new Set() };
  try {
    for (const item of items as Array<ChangeNotification & { subscriptionId: string }>) acceptItem(item, options, observedAt, accepted);
  } catch (error) {
    if (error instanceof GraphDecryptionError) return reject(400, 'BadRequest', error.message);
    throw error;
  }
  return {
    ...answer('notifications', 202),
    records: accepted.records,
    lifecycle: accepted.lifecycle,
    changedIds: [...new Set(accepted.changedIds)],
    subscriptionIds: [...accepted.subscriptionIds],
  };
}
