import { freePort } from '@amo/presence-adapter-kit/testing';
import { RedisLink } from '@amo/presence-cluster';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/** A prefix no other test (or run) uses. */
export function testPrefix(name: string): string {
  return `test:${process.pid}:${randomBytes(4).toString('hex')}:${name}:`;
}

/** Every key under `prefix` (without it), sorted. */
export async function keysUnder(link: RedisLink, prefix = link.prefix): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await link.commands.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    found.push(...keys.map((key) => key.slice(prefix.length)));
    cursor = next;
  } while (cursor !== '0');
  return found.sort();
}

/** Deletes every key under the link's prefix, then closes the link. */
export async function disposeLink(link: RedisLink): Promise<void> {
  const keys = await keysUnder(link);
  if (keys.length > 0) await link.commands.del(...keys.map((key) => link.prefix + key));
  await link.close();
}

/** Links to one Redis under one prefix: the instances of one test cluster. */
export async function openLinks(url: string, name: string, count: number): Promise<RedisLink[]> {
  const prefix = testPrefix(name);
  const links = Array.from({ length: count }, () => new RedisLink({ url, keyPrefix: prefix }));
  await Promise.all(links.map((link) => link.ready()));
  return links;
}

/**
 * A redis-server of the test's own on a free port (nothing on disk), to take away and bring back: `stop()` is
 * SIGKILL, `start()` starts an empty server on the same port again. (libs/cluster's tests have the same helper.)
 */
export class ThrowawayRedis {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<ThrowawayRedis> {
    const redis = new ThrowawayRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server again (an empty one); does nothing while it runs. */
  async start(): Promise<void> {
    if (this.child && this.child.exitCode === null) return;
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`redis-server on ${this.port} exited (${code}): ${output.slice(-500)}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

/**
 * A TCP pass-through to a real server (PostgreSQL) that a test can cut: `cut()` resets every open connection and
 * every new one until `restore()`, as a server that went away does. Nothing is mocked: bytes go to the real server.
 */
export class TcpGate {
  private readonly sockets = new Set<Socket>();
  private down = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async open(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpGate> {
    const holder: { gate?: TcpGate } = {};
    const server = createServer((client) => {
      const self = holder.gate as TcpGate;
      if (self.down) {
        client.destroy();
        return;
      }
      const upstream = connect(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        self.sockets.add(socket);
        socket.on('close', () => self.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.gate = new TcpGate(server, (server.address() as AddressInfo).port);
    return holder.gate;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
