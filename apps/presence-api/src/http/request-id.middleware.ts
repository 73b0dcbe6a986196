import type { NextFunction, Request, Response } from 'express';
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

/** The id this response carries (set by `requestIds`), or a new one for a response that bypassed it. */
export function requestIdOf(response: Pick<Response, 'getHeader'>): string {
  const id = response.getHeader(REQUEST_ID_HEADER);
  return typeof id === 'string' ? id : randomUUID();
}

/**
 * First middleware: every response carries X-Request-Id (the caller's, when sane, else a UUID), error bodies
 * repeat it as `requestId`, and the rest of the request runs in its context (`currentRequestId`).
 */
export function requestIds() {
  return (request: Request, response: Response, next: NextFunction): void => {
    const id = requestIdFrom(request.headers);
    response.setHeader(REQUEST_ID_HEADER, id);
    context.run(id, next);
  };
}
