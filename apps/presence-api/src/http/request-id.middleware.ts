import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A caller's id is kept when it is 1..128 visible ASCII characters (no spaces or controls: it goes into logs). */
const SANE_ID = /^[\x21-\x7e]{1,128}$/;

/** The caller's X-Request-Id when it is a sane token, else a new UUID. */
export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && SANE_ID.test(value) ? value : randomUUID();
}

/**
 * The id this answer carries: the one `requestIds` set, else (a request refused before that hook ran, such as a
 * malformed URL) the caller's or a new one, set on the answer now so the header and the body agree.
 */
export function requestIdOf(request: Pick<FastifyRequest, 'headers'>, reply: Pick<FastifyReply, 'getHeader' | 'header'>): string {
  const id = reply.getHeader(REQUEST_ID_HEADER);
  if (typeof id === 'string') return id;
  const fresh = requestIdFrom(request.headers);
  reply.header(REQUEST_ID_HEADER, fresh);
  return fresh;
}

/**
 * The first request hook: every answer carries X-Request-Id (the caller's, when sane, else a UUID), and error
 * bodies repeat it as `requestId`. Code that logs about a request names it with `RequestMessage` (no async
 * context: on Node 20 an AsyncLocalStorage runs a hook for every promise, 15 µs of a 90 µs GET).
 */
export function requestIds() {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    reply.header(REQUEST_ID_HEADER, requestIdFrom(request.headers));
    done();
  };
}
