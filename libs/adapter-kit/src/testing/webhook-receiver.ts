import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a receiver hands its handler: the request as the service's controller would see it. */
export interface ReceivedWebhook {
  method: string;
  /** The request's path without the query, for a receiver that routes several webhooks. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  query: Record<string, string>;
}

/** The handler's answer; a string body is written as is, anything else as JSON. */
export interface WebhookAnswer {
  status: number;
  body: unknown;
  contentType?: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT` + the path given to {@link serveWebhook}. */
  url: string;
  /** `http://127.0.0.1:PORT`, the public URL a platform would be given. */
  origin: string;
  close(): Promise<void>;
}

export interface ServeWebhookOptions {
  /** Shapes `url` (default `/webhook`). */
  path?: string;
  /** Only `path` reaches the handler; any other path is answered 404 (default: every path reaches it). */
  onlyPath?: boolean;
  /** A larger body is answered 413 without calling the handler (default 1 MiB). */
  maxBodyBytes?: number;
}

const NOT_FOUND: WebhookAnswer = { status: 404, body: { error: 'no such webhook' } };
const TOO_LARGE: WebhookAnswer = { status: 413, body: { error: 'body too large' } };

/**
 * A stand-in for the service's webhook controller on loopback, so an emulator's sender calls a real URL: it passes
 * the raw body through untouched (the signature covers the bytes) and writes back the handler's answer (500 when
 * the handler throws). Every path reaches the handler unless `onlyPath`; `path` shapes `url`. Open connections are
 * ended by `close()`. The one receiver the kit, adapters' test pieces and the sandbox build on.
 */
export async function serveWebhook(
  handle: (request: ReceivedWebhook) => WebhookAnswer | Promise<WebhookAnswer>,
  pathOrOptions: string | ServeWebhookOptions = {},
): Promise<WebhookReceiver> {
  const options = typeof pathOrOptions === 'string' ? { path: pathOrOptions } : pathOrOptions;
  const { path = '/webhook', onlyPath = false, maxBodyBytes = 1024 * 1024 } = options;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void readBody(req, maxBodyBytes)
      .then((rawBody) => {
        if (onlyPath && url.pathname !== path) return NOT_FOUND;
        if (rawBody === undefined) return TOO_LARGE;
        const query = Object.fromEntries(url.searchParams);
        return handle({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, rawBody, query });
      })
      .then((answer) => {
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? null);
        res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json', connection: 'close' });
        res.end(text);
      })
      .catch(() => {
        res.writeHead(500, { connection: 'close' });
        res.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin + path,
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The body's bytes, or undefined once it passes `limit` (the rest is read and dropped). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}
