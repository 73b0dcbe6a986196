import { Logger } from '@nestjs/common';
import type { FastifyHttpOptions } from 'fastify';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Tuning } from '../config/app-config';
import { writeRawError } from '../errors/error-response';
import type { ErrorAnswer } from '../errors/error-mapping';

type ServerTuning = Pick<Tuning, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxRequestsPerSocket' | 'connectionsCheckingIntervalMs'>;

const logger = new Logger('Http');

/** What Node could not parse (or waited too long for) before any request existed, as an error answer. */
export function clientErrorAnswer(error: NodeJS.ErrnoException): ErrorAnswer {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HEADERS_TOO_LARGE', message: 'the request headers are too large', headers: {} };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', message: 'the request headers or body took too long', headers: {} };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the chunk extensions are too large', headers: {} };
    default:
      return { status: 400, code: 'BAD_REQUEST', message: 'the request is not valid HTTP/1.1', headers: {} };
  }
}

/** Node's own 400/408/431 (the server's 'clientError') answered as JSON error bodies instead of empty ones. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // As Node's default handler: a reset, or an answer already under way, only closes.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const answer = clientErrorAnswer(error);
  logger.debug(`client error ${error.code ?? error.message}: answered ${answer.status}`);
  writeRawError(socket, answer, randomUUID());
}

/**
 * The HTTP server's limits, set explicitly when Fastify creates the server (Node's defaults hold a slow client
 * for 60 s of headers and 300 s of body), and Node's parse errors answered by `answerClientError`.
 */
export function httpServerOptions(tuning: ServerTuning): Pick<FastifyHttpOptions<Server>, 'http' | 'keepAliveTimeout' | 'requestTimeout' | 'maxRequestsPerSocket' | 'clientErrorHandler'> {
  return {
    // Node's own options (read when the server is created and when it starts listening).
    http: {
      headersTimeout: tuning.headersTimeoutMs,
      requestTimeout: tuning.requestTimeoutMs,
      keepAliveTimeout: tuning.keepAliveTimeoutMs,
      connectionsCheckingInterval: tuning.connectionsCheckingIntervalMs,
    },
    // Fastify sets these three on the server after creating it: the same values, or its defaults would win.
    keepAliveTimeout: tuning.keepAliveTimeoutMs,
    requestTimeout: tuning.requestTimeoutMs,
    maxRequestsPerSocket: tuning.maxRequestsPerSocket,
    clientErrorHandler: answerClientError,
  };
}
