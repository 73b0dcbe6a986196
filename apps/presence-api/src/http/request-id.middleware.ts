import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A caller's id is kept when it is 1..128 visible ASCII characters (no spaces or controls: it goes into logs). */
const SANE_ID = /^[\x21-\x7e]{1,128}$/;

const context = new AsyncLocalStorage<string>();

/** The caller's X-Request-Id when it is a sane token, else a new UUID. */
export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && SANE_ID.test(value) ? value : randomUUID();
}

/**
 * The id of the request whose work is running now (through every await of its handler), for log lines;
 * undefined outside a request (timers, platform pushes).
 */
export function currentRequestId(): string | undefined {
  return context.getStore();
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
 * The first request hook: every answer carries X-Request-Id (the caller's, when sane, else a UUID), error bodies
 * repeat it as `requestId`, and the rest of the request runs in its context (`currentRequestId`; Fastify carries
 * the context across reading the body).
 */
export function requestIds() {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const id = requestIdFrom(request.headers);
    reply.header(REQUEST_ID_HEADER, id);
    context.run(id, done);
  };
}
