import { type Clock, type PlatformPresence, systemClock } from '@amo/presence-core';
import { headerValue, verifyZoomSignature, type WebhookHeaders, zoomUrlValidationResponse } from '@amo/presence-adapter-kit';
import { zoomManifest } from './zoom.manifest';
import { zoomPresenceRecord } from './zoom.presence';

/** What the service's webhook controller hands over: the raw body, untouched, and the request headers. */
export interface ZoomWebhookRequest {
  headers: WebhookHeaders;
  rawBody: string | Buffer;
  method?: string;
  query?: Readonly<Record<string, unknown>>;
}

export interface ZoomWebhookSecrets {
  /** The event subscription's secret token (`webhook_secret_token`, ZOOM_WEBHOOK_SECRET_TOKEN). */
  secretToken: string;
  /** How old a signed timestamp may be, in seconds (default 300): older deliveries are replays. */
  toleranceSec?: number;
}

/** The answer for Zoom plus what it told us; `records` is empty unless the delivery was genuine. */
export interface ZoomWebhookResult {
  status: number;
  body: unknown;
  contentType?: string;
  records: PlatformPresence[];
  /** Why a delivery was refused or ignored, for logs and counters (never contains secrets). */
  reason?: string;
}

/**
 * `user.presence_status_updated` as Zoom sends it. Hand-written; follows Zoom's webhook reference, User events >
 * "Presence status updated" (https://marketplace.zoom.us/docs/api-reference/webhook-reference/user-events/presence-status-updated).
 */
export interface ZoomPresenceEvent {
  event: 'user.presence_status_updated';
  event_ts?: number;
  payload: {
    account_id?: string;
    object: { id: string; email?: string; presence_status: string; date_time?: string };
  };
}

const JSON_TYPE = 'application/json';

function refuse(status: number, reason: string): ZoomWebhookResult {
  return { status, body: { error: reason }, contentType: JSON_TYPE, records: [], reason };
}

function parseJson(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch {
    return undefined;
  }
}

function presenceRecords(event: Partial<ZoomPresenceEvent>, nowMs: number): PlatformPresence[] | undefined {
  const object = event.payload?.object;
  if (!object || typeof object.id !== 'string' || typeof object.presence_status !== 'string') return undefined;
  const changedAt = typeof object.date_time === 'string' ? Date.parse(object.date_time) : NaN;
  // date_time has whole seconds: count the change from the end of its second (never later than now), or a poll
  // read in the same second would make the newer webhook look older and core would drop it.
  const observedAt = new Date(
    !Number.isNaN(changedAt)
      ? Math.max(changedAt, Math.min(changedAt + 999, nowMs))
      : typeof event.event_ts === 'number'
        ? event.event_ts
        : nowMs,
  );
  // People may be linked by Zoom user id or by email (the API accepts either), so report both forms.
  const ids = [object.id];
  if (typeof object.email === 'string' && object.email !== '' && object.email !== object.id) ids.push(object.email);
  return ids.map((id) => zoomPresenceRecord(id, object.presence_status, observedAt));
}

/**
 * Zoom's webhook endpoint as a pure function: verifies `x-zm-signature` (HMAC of `v0:{timestamp}:{rawBody}`
 * with the secret token) on every delivery, refuses timestamps outside the replay window, answers
 * `endpoint.url_validation`, and turns `user.presence_status_updated` into records. Other events get 200 and
 * no records, so Zoom does not retry them.
 */
export function handleZoomWebhook(
  request: ZoomWebhookRequest,
  secrets: ZoomWebhookSecrets,
  clock: Clock = systemClock,
): ZoomWebhookResult {
  if (request.method !== undefined && request.method.toUpperCase() !== 'POST') return refuse(405, 'method not allowed');
  const rawBody = typeof request.rawBody === 'string' ? request.rawBody : request.rawBody.toString('utf8');
  const timestamp = headerValue(request.headers, zoomManifest.webhook.timestampHeader);
  const signature = headerValue(request.headers, zoomManifest.webhook.signatureHeader);
  if (timestamp === undefined || signature === undefined) return refuse(401, 'missing signature headers');
  const input = { secretToken: secrets.secretToken, timestamp, signature, rawBody, nowMs: clock.now() };
  const toleranceSec = secrets.toleranceSec ?? zoomManifest.webhook.toleranceSec;
  if (!verifyZoomSignature({ ...input, toleranceSec })) {
    // Tell a replay (genuine but old) from a forgery, for logs; both are refused alike.
    const genuine = verifyZoomSignature({ ...input, toleranceSec: Number.POSITIVE_INFINITY });
    return refuse(401, genuine ? 'timestamp outside the replay window' : 'invalid signature');
  }

  const event = parseJson(rawBody) as { event?: unknown; payload?: { plainToken?: unknown } } | undefined;
  if (typeof event !== 'object' || event === null || typeof event.event !== 'string') {
    return refuse(400, 'body is not a Zoom event');
  }
  if (event.event === 'endpoint.url_validation') {
    const plainToken = event.payload?.plainToken;
    if (typeof plainToken !== 'string' || plainToken === '') return refuse(400, 'url_validation without plainToken');
    return {
      status: 200,
      body: zoomUrlValidationResponse(plainToken, secrets.secretToken),
      contentType: JSON_TYPE,
      records: [],
    };
  }
  if (event.event !== 'user.presence_status_updated') {
    return { status: 200, body: { received: true }, contentType: JSON_TYPE, records: [], reason: `ignored ${event.event}` };
  }
  const records = presenceRecords(event as Partial<ZoomPresenceEvent>, input.nowMs);
  if (records === undefined) return refuse(400, 'presence event without object.id and presence_status');
  return { status: 200, body: { received: true }, contentType: JSON_TYPE, records };
}
