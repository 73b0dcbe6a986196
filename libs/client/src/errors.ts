import type { ErrorCode, ErrorDetail } from '@amo/presence-contract';

/** What the service's error body holds (`{error: {code, message, details?, requestId}}`), plus the HTTP facts. */
export interface PresenceApiErrorInit {
  status: number;
  /** One of the contract's codes; `HTTP_<status>` when the answer had no error body (a proxy's page, say). */
  code: ErrorCode | `HTTP_${number}`;
  message: string;
  details?: ErrorDetail[];
  /** The request's `X-Request-Id` (from the body, else the header), to find it in the service log. */
  requestId?: string;
  /** From `Retry-After` on a 429 (or 503): how long to wait before trying again. */
  retryAfterMs?: number;
}

/** Every non-2xx answer of the service, typed. */
export class PresenceApiError extends Error implements PresenceApiErrorInit {
  readonly status: number;
  readonly code: PresenceApiErrorInit['code'];
  readonly details?: ErrorDetail[];
  readonly requestId?: string;
  readonly retryAfterMs?: number;

  constructor(init: PresenceApiErrorInit) {
    super(init.message);
    this.name = 'PresenceApiError';
    this.status = init.status;
    this.code = init.code;
    if (init.details) this.details = init.details;
    if (init.requestId) this.requestId = init.requestId;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The typed error for a non-2xx response (reads its body). */
export async function errorFromResponse(response: Response, now: number): Promise<PresenceApiError> {
  const text = await response.text().catch(() => '');
  let error: Partial<PresenceApiErrorInit> | undefined;
  try {
    const body = JSON.parse(text) as { error?: Partial<PresenceApiErrorInit> };
    if (body && typeof body.error === 'object' && body.error !== null && typeof body.error.code === 'string') error = body.error;
  } catch {
    // Not JSON: a proxy or load balancer answered; the status says what we know.
  }
  const wait = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers.get('retry-after'), now) : undefined;
  return new PresenceApiError({
    status: response.status,
    code: error?.code ?? `HTTP_${response.status}`,
    message: error?.message ?? (text.slice(0, 200) || `${response.status} ${response.statusText}`),
    details: error?.details,
    requestId: error?.requestId ?? response.headers.get('x-request-id') ?? undefined,
    retryAfterMs: wait,
  });
}
