import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a receiver hands its handler: the request as the service's controller would see it. */
export interface ReceivedWebhook {
  method: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  query: Record<string, string>;
}

export interface WebhookAnswer {
  status: number;
  body: unknown;
  contentType?: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT/webhooks/linkedin` */
  url: string;
  close(): Promise<void>;
}

/**
 * A stand-in for the service's webhook controller on loopback, so the emulator's sender calls a real URL:
 * it passes the raw body through untouched (the signature covers the bytes) and writes back the handler's answer.
 */
export async function serveWebhook(handle: (request: ReceivedWebhook) => WebhookAnswer | Promise<WebhookAnswer>, path = '/webhooks/linkedin'): Promise<WebhookReceiver> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const query = Object.fromEntries(url.searchParams);
      void Promise.resolve(handle({ method: req.method ?? 'GET', headers: req.headers, rawBody: Buffer.concat(chunks), query }))
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
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
