import { IdentityConflictError, InvalidInputError, type PresenceErrorCode, isPresenceError } from '@amo/presence-core';
import { HttpException } from '@nestjs/common';
import { ApiError, ValidationError } from './api-error';

export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
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

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  message?: string;
}

function bodyParserAnswer(error: BodyParserError): ErrorAnswer | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'MALFORMED_JSON', message: 'the request body is not valid JSON', headers: {} };
    case 'entity.too.large':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large', headers: {} };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: error.message ?? 'unsupported encoding', headers: {} };
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return { status: 400, code: 'BAD_REQUEST', message: error.message ?? 'the request body could not be read', headers: {} };
    default:
      return undefined;
  }
}

/** The one mapping from anything thrown to `{status, {error: {code, message}}}`. Pure, so it is tested alone. */
export function toErrorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  if (error instanceof ValidationError) return { status: 400, code: error.code, message: error.message, headers: {} };
  if (error instanceof InvalidInputError) return { status: 400, code: error.code, message: error.message, headers: {} };
  if (error instanceof IdentityConflictError) return { status: 409, code: error.code, message: error.message, headers: {} };
  if (isPresenceError(error)) {
    const headers: Record<string, string> = {};
    if (error.code === 'RATE_LIMITED' || error.retryAfterMs !== undefined) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000)));
    }
    const where = error.platform ? `${error.platform}: ` : '';
    return { status: PRESENCE_STATUS[error.code], code: error.code, message: `${where}${error.message}`, headers };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const text = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message = Array.isArray(text) ? text.join('; ') : typeof text === 'string' ? text : error.message;
    return { status, code: HTTP_CODES[status] ?? `HTTP_${status}`, message, headers: {} };
  }
  const parserAnswer = error !== null && typeof error === 'object' ? bodyParserAnswer(error as BodyParserError) : undefined;
  if (parserAnswer) return parserAnswer;
  return { status: 500, code: 'INTERNAL', message: 'internal error', headers: {}, unexpected: true };
}
