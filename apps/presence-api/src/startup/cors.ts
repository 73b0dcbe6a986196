import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';

/** What a browser app on another origin may read from an answer besides the basics. */
export const EXPOSED_HEADERS = ['X-Request-Id', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'];

/**
 * PRESENCE_CORS_ORIGINS as CORS rules: those origins (or any, for `*`) may call with a bearer key and read the
 * request id and rate-limit headers; preflights are answered (204) and cached by the browser for 10 minutes.
 * No cookies are involved (keys travel in Authorization), so credentials stay off.
 */
export function corsOptions(origins: readonly string[]): CorsOptions {
  return {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    credentials: false,
  };
}
