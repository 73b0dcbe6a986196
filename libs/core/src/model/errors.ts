import type { Platform } from './platform';

export const PRESENCE_ERROR_CODES = [
  'AUTH_INVALID',
  'PERMISSION_DENIED',
  'RATE_LIMITED',
  'TRANSIENT',
  'NOT_FOUND',
  'UNSUPPORTED',
  'PROTOCOL',
] as const;

export type PresenceErrorCode = (typeof PRESENCE_ERROR_CODES)[number];

export interface PresenceErrorOptions {
  platform?: Platform;
  /** For RATE_LIMITED: how long the platform asked us to wait. */
  retryAfterMs?: number;
  /** The HTTP status or gateway close code that caused it, when there was one. */
  status?: number;
  cause?: unknown;
}

/** Every platform failure, turned into one of a few codes by the adapter's pure parse function. */
export class PresenceError extends Error {
  override readonly name = 'PresenceError';
  readonly platform?: Platform;
  readonly retryAfterMs?: number;
  readonly status?: number;

  constructor(
    readonly code: PresenceErrorCode,
    message: string,
    options: PresenceErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.platform = options.platform;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }

  /** Only these are worth retrying; auth and permission failures never are. */
  get retryable(): boolean {
    return this.code === 'TRANSIENT' || this.code === 'RATE_LIMITED';
  }

  toJSON(): { code: PresenceErrorCode; message: string; platform?: Platform; retryAfterMs?: number } {
    return { code: this.code, message: this.message, platform: this.platform, retryAfterMs: this.retryAfterMs };
  }
}

export function isPresenceError(error: unknown): error is PresenceError {
  return error instanceof PresenceError;
}

/** Bad input from a caller of the library (unknown platform, malformed ids): the API answers 400. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  readonly code = 'INVALID_INPUT';
}
