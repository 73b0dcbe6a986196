import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** A client frame as the server received it. */
export interface Frame {
  type: string;
  userIds?: string[];
  all?: true;
}

/**
 * A loopback WebSocket server speaking the stream's envelope (`seq` per connection, `at`), scripted by the test:
 * it records every frame and request URL and sends what the test tells it to.
 */
export class ScriptedStreamServer {
  readonly frames: { connection: number; frame: Frame }[] = [];
  readonly requests: { url: string; authorization?: string }[] = [];
  readonly connections: WebSocket[] = [];
  private readonly seqs = new Map<WebSocket, number>();
  private waiters: (() => void)[] = [];

  private constructor(private readonly server: WebSocketServer) {
    server.on('connection', (socket, request) => {
      const connection = this.connections.push(socket) - 1;
      this.requests.push({ url: request.url ?? '', authorization: request.headers.authorization });
      socket.on('message', (data) => {
        this.frames.push({ connection, frame: JSON.parse(String(data)) });
        this.wake();
      });
      this.wake();
    });
  }

  /** Listens on a free loopback port; `refuse` answers every upgrade with that status. */
  static async start(options: { refuse?: number } = {}): Promise<ScriptedStreamServer> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      path: '/v1/stream',
      verifyClient: options.refuse ? (_info, done) => done(false, options.refuse) : undefined,
    });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new ScriptedStreamServer(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sends `message` on connection `index` with that connection's next seq (or the one given). */
  send(index: number, message: object, seq?: number): void {
    const socket = this.connections[index];
    const next = seq ?? (this.seqs.get(socket) ?? 0) + 1;
    this.seqs.set(socket, next);
    socket.send(JSON.stringify({ seq: next, at: new Date().toISOString(), ...message }));
  }

  /** Resolves once `check` holds (checked after every connection and frame). */
  async until(check: () => boolean): Promise<void> {
    while (!check()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Resolves with the close code connection `index` ends with. */
  closed(index: number): Promise<number> {
    const socket = this.connections[index];
    if (socket.readyState === socket.CLOSED) return Promise.resolve(-1);
    return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }

  framesOn(connection: number): Frame[] {
    return this.frames.filter((entry) => entry.connection === connection).map((entry) => entry.frame);
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
