import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a receiver hands its handler: the request as the service's controller would see it. */
export interface ReceivedWebhook {
  method: string;
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
  close(): Promise<void>;
}

/**
 * A stand-in for the service's webhook controller on loopback, so an emulator's sender calls a real URL: it passes
 * the raw body through untouched (the signature covers the bytes) and writes back the handler's answer (500 when
 * the handler throws). Every path reaches the handler; `path` only shapes `url`.
 */
export async function serveWebhook(
  handle: (request: ReceivedWebhook) => WebhookAnswer | Promise<WebhookAnswer>,
  path = '/webhook',
): Promise<WebhookReceiver> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const query = Object.fromEntries(url.searchParams);
      void Promise.resolve()
        .then(() => handle({ method: req.method ?? 'GET', headers: req.headers, rawBody: Buffer.concat(chunks), query }))
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
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
