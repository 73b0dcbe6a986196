import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as realSetTimeout } from 'node:timers';
import { RedisLink, type RedisLinkOptions } from './redis-link';

// Taken at load, before a test can install fake timers (which fake Date.now too).
const realNow = performance.now.bind(performance);

/** A prefix no other test (or run) uses: `test:<pid>:<random>:<name>:`. */
export function testPrefix(name: string): string {
  return `test:${process.pid}:${randomBytes(4).toString('hex')}:${name}:`;
}

export type TestLink = RedisLink & {
  /** Deletes every key under the link's prefix, then closes it. */
  dispose(): Promise<void>;
};

/**
 * A link to `url` (the spec passes `PRESENCE_TEST_REDIS_URL`, the machine's Redis that `.ci/run` starts) under a
 * fresh prefix, so tests never see each other's keys.
 */
export async function openTestLink(url: string, name: string, options: Partial<RedisLinkOptions> = {}): Promise<TestLink> {
  const link = new RedisLink({ url, keyPrefix: testPrefix(name), ...options });
  await link.ready();
  return Object.assign(link, {
    dispose: async () => {
      await deleteKeys(link, `${link.prefix}*`);
      await link.close();
    },
  });
}

/** Deletes every key matching `pattern` (SCAN, never KEYS). */
export async function deleteKeys(link: RedisLink, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await link.commands.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await link.commands.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Every key under the link's prefix (without the prefix), sorted. */
export async function keysOf(link: RedisLink): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await link.commands.scan(cursor, 'MATCH', `${link.prefix}*`, 'COUNT', 500);
    found.push(...keys.map((key) => key.slice(link.prefix.length)));
    cursor = next;
  } while (cursor !== '0');
  return found.sort();
}

/** Polls `check` until it returns something truthy, in real time (fake timers do not slow it); throws after `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = realNow() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (realNow() > deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => realSetTimeout(resolve, 10));
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A Redis server of the test's own (a child process on a free port, nothing on disk), so a test can take Redis
 * away and bring it back: `stop()` kills it, `start()` starts it again on the same port.
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
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

  /** SIGKILL: the server vanishes mid-connection, as in a crash. */
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
