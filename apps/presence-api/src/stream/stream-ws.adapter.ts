import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';
import type { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { type ApiPrincipal, bearerToken } from '../auth/scopes';
import { toErrorAnswer } from '../errors/error-mapping';

export type StreamRequest = IncomingMessage & { principal?: ApiPrincipal };

/** The API key from `Authorization: Bearer` or, for browsers (which cannot set WebSocket headers), `?token=`. */
export function streamToken(request: IncomingMessage): string | undefined {
  const header = bearerToken(request.headers.authorization);
  if (header) return header;
  const url = new URL(request.url ?? '/', 'http://localhost');
  return url.searchParams.get('token') ?? undefined;
}

type VerifyDone = (result: boolean, code?: number, message?: string, headers?: Record<string, string>) => void;

/**
 * Nest's WsAdapter, with the API key checked during the HTTP upgrade: a bad key gets a plain 401 (or
 * 403 without the read scope, 429 over the rate limit) and never becomes a socket.
 */
export class StreamWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly authenticator: () => ApiKeyAuthenticator,
  ) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> & { path?: string } = {}): unknown {
    const verifyClient = (info: { req: IncomingMessage }, done: VerifyDone): void => {
      const request = info.req as StreamRequest;
      this.authenticator()
        .authenticate(streamToken(request), 'read')
        .then((principal) => {
          request.principal = principal;
          done(true);
        })
        .catch((error: unknown) => {
          const answer = toErrorAnswer(error);
          done(false, answer.status, answer.message, answer.headers);
        });
    };
    return super.create(port, { ...options, verifyClient });
  }
}
