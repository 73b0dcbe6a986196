import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Counter } from 'prom-client';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { type RateState, rateLimitHeaders } from '../auth/rate-limiter';
import { type ApiPrincipal, bearerToken } from '../auth/scopes';
import { type ErrorAnswer, toErrorAnswer } from '../errors/error-mapping';
import { logServerError, writeRawError } from '../errors/error-response';
import { REQUEST_ID_HEADER, requestIdFrom } from '../http/request-id.middleware';
import { MetricsService } from '../metrics/metrics.service';

export type StreamRequest = IncomingMessage & { principal?: ApiPrincipal; requestId?: string; rate?: RateState };

/** The API key from `Authorization: Bearer` or, for browsers (which cannot set WebSocket headers), `?token=`. */
export function streamToken(request: IncomingMessage): string | undefined {
  const header = bearerToken(request.headers.authorization);
  if (header) return header;
  const url = new URL(request.url ?? '/', 'http://localhost');
  return url.searchParams.get('token') ?? undefined;
}

type HandleUpgrade = WebSocketServer['handleUpgrade'];

/** What ws refuses in a handshake (it names the problem only in the message), as an error answer. */
export function handshakeAnswer(message: string): ErrorAnswer {
  if (/method/i.test(message)) return { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'a WebSocket upgrade is a GET', headers: { Allow: 'GET' } };
  const headers: Record<string, string> = /version/i.test(message) ? { 'Sec-WebSocket-Version': '13, 8' } : {};
  return { status: 400, code: 'BAD_REQUEST', message: `not a valid WebSocket handshake: ${message}`, headers };
}

/**
 * Nest's WsAdapter, with the API key checked before the HTTP upgrade: a bad key (401), a key without the read
 * scope (403) or over its rate limit (429), too many failed keys from one address (429) and a bad handshake
 * (400/405) are answered with the service's JSON error body and X-Request-Id, and never become a socket. The
 * 101 carries X-Request-Id and the key's RateLimit-* headers. A client's protocol errors (bad frames) are
 * logged at debug and counted, never at ERROR: one client must not be able to flood the log.
 */
export class StreamWsAdapter extends WsAdapter {
  private protocolErrors?: Counter<'code'>;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly authenticator: () => ApiKeyAuthenticator,
  ) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> & { path?: string } = {}): unknown {
    const server = super.create(port, options) as WebSocketServer;
    this.protocolErrors ??= new Counter({
      name: 'presence_stream_protocol_errors_total',
      help: 'WebSocket protocol errors from stream clients (bad frames, closing the connection), by ws error code',
      labelNames: ['code'],
      registers: [this.app.get(MetricsService).registry],
    });
    const handleUpgrade = server.handleUpgrade.bind(server) as HandleUpgrade;
    server.handleUpgrade = ((request: StreamRequest, socket: Duplex, head: Buffer, done: Parameters<HandleUpgrade>[3]) => {
      request.requestId = requestIdFrom(request.headers);
      this.authenticator()
        .authenticate(streamToken(request), 'read', request.socket.remoteAddress)
        .then(({ principal, rate }) => {
          request.principal = principal;
          request.rate = rate;
          handleUpgrade(request, socket, head, done);
        })
        .catch((error: unknown) => {
          const answer = toErrorAnswer(error);
          logServerError(answer, request.requestId as string, 'stream upgrade', error);
          writeRawError(socket, answer, request.requestId as string);
        });
    }) as HandleUpgrade;
    server.on('wsClientError', (error: Error, socket: Duplex, request: StreamRequest) =>
      writeRawError(socket, handshakeAnswer(error.message), request.requestId ?? requestIdFrom(request.headers)),
    );
    server.on('headers', (headers: string[], request: StreamRequest) => {
      if (request.requestId) headers.push(`${REQUEST_ID_HEADER}: ${request.requestId}`);
      if (request.rate) for (const [name, value] of Object.entries(rateLimitHeaders(request.rate))) headers.push(`${name}: ${value}`);
    });
    return server;
  }

  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (client: WebSocket) => client.on('error', (error: Error & { code?: string }) => this.clientProtocolError(error)));
    server.on('error', (error: Error) => this.logger.error(error));
    return server;
  }

  private clientProtocolError(error: Error & { code?: string }): void {
    const code = typeof error.code === 'string' && /^WS_ERR_[A-Z0-9_]+$/.test(error.code) ? error.code : 'OTHER';
    this.logger.debug(`stream client protocol error ${code}: ${error.message}`);
    this.protocolErrors?.inc({ code });
  }
}
