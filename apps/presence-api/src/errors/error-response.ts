import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { REQUEST_ID_HEADER, requestIdOf } from '../http/request-id.middleware';
import type { ErrorBody } from './error-codes';
import type { ErrorAnswer } from './error-mapping';

const logger = new Logger('Errors');

/** `{error: {code, message, details?, requestId}}`: the one error body. */
export function errorBody(answer: ErrorAnswer, requestId: string): ErrorBody {
  const error: ErrorBody['error'] = { code: answer.code, message: answer.message, requestId };
  if (answer.details !== undefined && answer.details.length > 0) error.details = answer.details;
  return { error };
}

/** Every 5xx is logged with its request id (and the stack when nobody anticipated it); 4xx are the caller's. */
export function logServerError(answer: ErrorAnswer, requestId: string, where: string, cause?: unknown): void {
  if (answer.status < 500) return;
  const line = `${where} answered ${answer.status} ${answer.code} (request ${requestId})`;
  if (answer.unexpected) logger.error(`${line}: ${(cause as Error)?.stack ?? String(cause)}`);
  else logger.warn(`${line}: ${answer.message}`);
}

/** The path of a request URL, without its query (what log lines name). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** Answers a request with the error shape (unless something was already sent). */
export function sendError(request: FastifyRequest, reply: FastifyReply, answer: ErrorAnswer, cause?: unknown): void {
  const requestId = requestIdOf(request, reply);
  logServerError(answer, requestId, `${request.method} ${pathOf(request.url)}`, cause);
  if (reply.sent) return;
  // Whatever the route had set (an HTML page's type, a length), the error is JSON.
  reply
    .code(answer.status)
    .headers(answer.headers)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(answer, requestId)));
}

/**
 * Writes a complete HTTP/1.1 error answer on a raw socket (parse errors before any request exists, refused
 * WebSocket upgrades) and ends it: the same JSON body as every other error.
 */
export function writeRawError(socket: Duplex, answer: ErrorAnswer, requestId: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(answer, requestId));
  const headers: Record<string, string> = {
    Connection: 'close',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    [REQUEST_ID_HEADER]: requestId,
    ...answer.headers,
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\n${head}\r\n${body}`);
}
