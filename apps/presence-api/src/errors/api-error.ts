import type { ErrorCode, ErrorDetail } from './error-codes';

/** An answer the HTTP layer itself decides (auth, scopes, rate limit, missing resource, body size). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }

  static unauthorized(message = 'a valid API key is required (Authorization: Bearer <key>)'): ApiError {
    return new ApiError(401, 'UNAUTHORIZED', message, { 'WWW-Authenticate': 'Bearer' });
  }

  static forbidden(message: string, headers: Record<string, string> = {}): ApiError {
    return new ApiError(403, 'FORBIDDEN', message, headers);
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, 'NOT_FOUND', message);
  }

  static rateLimited(retryAfterSeconds: number, headers: Record<string, string> = {}, message?: string): ApiError {
    return new ApiError(429, 'RATE_LIMITED', message ?? `rate limit exceeded; retry in ${retryAfterSeconds} s`, {
      ...headers,
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

/** Request input that failed validation at the edge; the message lists each bad field, `details` one by one. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly code = 'VALIDATION_FAILED';

  constructor(
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }
}
