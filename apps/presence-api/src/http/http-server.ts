import { Logger } from '@nestjs/common';
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

/**
 * The HTTP server's limits, set explicitly (Node's defaults hold a slow client for 60 s of headers and 300 s
 * of body), and Node's own 400/408/431 answered as JSON error bodies instead of empty ones. Call before listen:
 * the timeout check interval starts then.
 */
export function hardenHttpServer(server: Server, tuning: ServerTuning): void {
  server.headersTimeout = tuning.headersTimeoutMs;
  server.requestTimeout = tuning.requestTimeoutMs;
  server.keepAliveTimeout = tuning.keepAliveTimeoutMs;
  server.maxRequestsPerSocket = tuning.maxRequestsPerSocket;
  // Node reads it when listening starts; its typings leave it out.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = tuning.connectionsCheckingIntervalMs;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's default handler: a reset, or an answer already under way, only closes.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const answer = clientErrorAnswer(error);
    logger.debug(`client error ${error.code ?? error.message}: answered ${answer.status}`);
    writeRawError(socket, answer, randomUUID());
  });
}
