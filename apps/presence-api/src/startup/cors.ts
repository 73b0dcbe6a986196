import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/** What a browser app on another origin may read from an answer besides the basics. */
export const EXPOSED_HEADERS = ['X-Request-Id', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'];

const ALLOWED_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
const ALLOWED_HEADERS = 'Authorization,Content-Type,X-Request-Id';
const MAX_AGE_SECONDS = '600';

/**
 * PRESENCE_CORS_ORIGINS as a request hook: those origins (or any, for `*`) may call with a bearer key and read the
 * request id and rate-limit headers; preflights (any OPTIONS) are answered here with 204, before any route, and
 * cached by the browser for 10 minutes. No cookies are involved (keys travel in Authorization), so credentials
 * stay off. The headers are the `cors` package's, which the service used under Express.
 */
export function corsHook(origins: readonly string[]) {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const exposed = EXPOSED_HEADERS.join(',');
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (any) {
      reply.header('Access-Control-Allow-Origin', '*');
    } else {
      const origin = request.headers.origin;
      if (origin !== undefined && allowed.has(origin)) reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Vary', 'Origin');
    }
    if (request.method !== 'OPTIONS') {
      reply.header('Access-Control-Expose-Headers', exposed);
      return done();
    }
    reply
      .header('Access-Control-Allow-Methods', ALLOWED_METHODS)
      .header('Access-Control-Allow-Headers', ALLOWED_HEADERS)
      .header('Access-Control-Max-Age', MAX_AGE_SECONDS)
      .header('Access-Control-Expose-Headers', exposed)
      .header('Content-Length', '0')
      .code(204)
      .send();
  };
}
