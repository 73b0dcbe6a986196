import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { GraphNotificationRequest, GraphNotificationResult } from '../teams.notifications';
import { TEAMS_WEBHOOK_PATH } from '../teams.manifest';

/**
 * A stand-in for the service's webhook controller, for tests, the sandbox and the demo: a real HTTP server on
 * 127.0.0.1 that hands `POST /v1/webhooks/teams` untouched (raw body, parsed query) to `handle` and writes its answer.
 * `publicUrl` is what the adapter's `push.publicUrl` should be.
 */
export class TeamsWebhookReceiver {
  readonly answers: GraphNotificationResult[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(handle: (request: GraphNotificationRequest) => GraphNotificationResult): Promise<TeamsWebhookReceiver> {
    const server = createServer();
    const receiver = new TeamsWebhookReceiver(server);
    server.on('connection', (socket) => {
      receiver.sockets.add(socket);
      socket.on('close', () => receiver.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (url.pathname !== TEAMS_WEBHOOK_PATH) {
          res.writeHead(404, { connection: 'close' }).end();
          return;
        }
        const result = handle({ method: req.method ?? 'GET', query: Object.fromEntries(url.searchParams), headers: req.headers, rawBody: Buffer.concat(chunks) });
        receiver.answers.push(result);
        res.writeHead(result.status, { 'content-type': result.contentType, connection: 'close' }).end(result.body);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return receiver;
  }

  /** `http://127.0.0.1:PORT`, the service's public URL as Graph would see it. */
  get publicUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
