import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isPlatform, type Platform } from '@amo/presence-core';
import type { RunningPlatformSandbox } from '@amo/presence-adapter-kit/testing';
import type { SandboxDeliver } from './sandbox.types';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The sandbox's own webhook endpoint on 127.0.0.1, for library users with no HTTP server: it answers the
 * emulators like presence-api would (`/v1/webhooks/<platform>`), verifies each delivery with the adapter
 * library's pure handler and hands the records to `deliver`.
 */
export class SandboxWebhookReceiver {
  private readonly sockets = new Set<Socket>();
  private platforms: ReadonlyMap<Platform, RunningPlatformSandbox> = new Map();

  private constructor(
    private readonly server: Server,
    private readonly deliver: SandboxDeliver,
  ) {}

  static async start(deliver: SandboxDeliver): Promise<SandboxWebhookReceiver> {
    const server = createServer();
    const receiver = new SandboxWebhookReceiver(server, deliver);
    server.on('request', (req, res) => void receiver.handle(req, res));
    server.on('connection', (socket) => {
      receiver.sockets.add(socket);
      socket.on('close', () => receiver.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return receiver;
  }

  /** `http://127.0.0.1:PORT`: webhooks go to `{url}/v1/webhooks/<platform>`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  attach(platforms: ReadonlyMap<Platform, RunningPlatformSandbox>): void {
    this.platforms = platforms;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const name = /^\/v1\/webhooks\/([a-z]+)$/.exec(url.pathname)?.[1];
    const platform = isPlatform(name) ? name : undefined;
    const running = platform ? this.platforms.get(platform) : undefined;
    const rawBody = await readBody(req);
    if (!platform || !running?.receive || rawBody === undefined) {
      res.writeHead(rawBody === undefined ? 413 : 404, { 'content-type': 'application/json', connection: 'close' }).end('{"error":"no such webhook"}');
      return;
    }
    const answer = running.receive({ method: req.method ?? 'GET', headers: req.headers, query: Object.fromEntries(url.searchParams), rawBody });
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? null);
    res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json', connection: 'close' }).end(text);
    if (answer.records.length > 0) {
      try {
        this.deliver(platform, answer.records);
      } catch {
        // The caller's listener failing is its own business; the delivery was answered.
      }
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
