import { IdentityConflictError, InvalidInputError, type PresenceErrorCode, isPresenceError } from '@amo/presence-core';
import { IdentityBatchConflictError } from '@amo/presence-store';
import { HttpException } from '@nestjs/common';
import { ApiError, ValidationError } from './api-error';
import { codeForStatus, type ErrorCode, type ErrorDetail } from './error-codes';

export interface ErrorAnswer {
  status: number;
  code: ErrorCode;
  message: string;
  headers: Record<string, string>;
  details?: ErrorDetail[];
  /** True for errors nobody anticipated: logged with their stack, answered without detail. */
  unexpected?: boolean;
}

/** What each PresenceError code means to an HTTP caller. */
const PRESENCE_STATUS: Record<PresenceErrorCode, number> = {
  AUTH_INVALID: 401,
  PERMISSION_DENIED: 403,
  RATE_LIMITED: 429,
  TRANSIENT: 503,
  NOT_FOUND: 404,
  UNSUPPORTED: 400,
  PROTOCOL: 503,
};

/** What reading a body throws (http/body-parsers.ts, in body-parser's terms; zlib under it), or Fastify itself. */
interface BodyReadError {
  type?: string;
  status?: number;
  /** Fastify's own errors (FST_ERR_*: a malformed URL, an invalid Content-Type) carry their status here. */
  statusCode?: number;
  expose?: boolean;
  code?: string;
  message?: string;
}

function answer(status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): ErrorAnswer {
  return { status, code, message, headers };
}

function bodyReadAnswer(error: BodyReadError): ErrorAnswer | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return answer(400, 'MALFORMED_JSON', 'the request body is not valid JSON');
    case 'entity.too.large':
      return answer(413, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return answer(415, 'UNSUPPORTED_MEDIA_TYPE', error.message ?? 'unsupported encoding');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return answer(400, 'BAD_REQUEST', error.message ?? 'the request body could not be read');
  }
  // A body that claims Content-Encoding gzip, deflate or br and is not: zlib's error, wrapped as a 400.
  if (typeof error.code === 'string' && (error.code.startsWith('Z_') || error.code.startsWith('ERR__') || error.code.startsWith('ERR_BROTLI'))) {
    return answer(400, 'MALFORMED_BODY', 'the request body could not be decoded as its Content-Encoding says (send it uncompressed or encoded as declared)');
  }
  // Any other client error marked as safe to show.
  if (error.expose === true && typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    return answer(error.status, codeForStatus(error.status), error.message ?? 'the request could not be read');
  }
  // Fastify's own refusals of a request (its errors are written for the caller).
  if (typeof error.code === 'string' && error.code.startsWith('FST_') && typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return answer(error.statusCode, codeForStatus(error.statusCode), error.message ?? 'the request could not be handled');
  }
  return undefined;
}

function batchDetails(error: IdentityBatchConflictError): ErrorDetail[] {
  return error.conflicts.map(({ index, userId, platform, message }) => ({
    path: platform === undefined ? `body.people.${index}.userId` : `body.people.${index}.identities.${platform}`,
    message: `${userId}: ${message}`,
  }));
}

/** The one mapping from anything thrown to `{status, {error: {code, message, details?}}}`. Pure, so it is tested alone. */
export function toErrorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message, headers: error.headers, details: error.details };
  if (error instanceof ValidationError) return { ...answer(400, 'VALIDATION_FAILED', error.message), details: error.details };
  if (error instanceof InvalidInputError) return answer(400, 'INVALID_INPUT', error.message);
  if (error instanceof IdentityBatchConflictError) return { ...answer(409, 'CONFLICT', error.message), details: batchDetails(error) };
  if (error instanceof IdentityConflictError) return answer(409, 'CONFLICT', error.message);
  if (isPresenceError(error)) {
    const headers: Record<string, string> = {};
    if (error.code === 'RATE_LIMITED' || error.retryAfterMs !== undefined) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000)));
    }
    const where = error.platform ? `${error.platform}: ` : '';
    return answer(PRESENCE_STATUS[error.code], error.code, `${where}${error.message}`, headers);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const text = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message = Array.isArray(text) ? text.join('; ') : typeof text === 'string' ? text : error.message;
    return { ...answer(status, codeForStatus(status), message), unexpected: status >= 500 };
  }
  const readAnswer = error !== null && typeof error === 'object' ? bodyReadAnswer(error as BodyReadError) : undefined;
  if (readAnswer) return readAnswer;
  return { ...answer(500, 'INTERNAL', 'internal error'), unexpected: true };
}
