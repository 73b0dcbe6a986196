import { eventually as kitEventually, freePort } from '@amo/presence-adapter-kit/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { AppModuleOptions } from '../app.module';
import { createApp, startApp } from '../bootstrap';
import { type AppConfig, type Tuning } from '../config/app-config';
import { loadConfig } from '../config/config.loader';

// End-to-end steps wait for real servers; on two busy cores a step may take seconds, never minutes.
jest.setTimeout(30_000);

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export function tempDir(prefix = 'presence-e2e-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}


export interface RunningService {
  app: NestExpressApplication;
  config: AppConfig;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
  /** fetch against the service with the admin key unless `token` says otherwise (null: no key). */
  call(method: string, path: string, options?: { body?: unknown; raw?: string | Buffer; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any; text: string }>;
}

export interface BootOptions extends AppModuleOptions {
  env?: Record<string, string>;
  dataDir: string;
  tuning?: Partial<Tuning>;
  port?: number;
}

/** Boots the real application on loopback with a temp SQLite file: the same code path as `node dist/main.js`. */
export async function bootService(options: BootOptions): Promise<RunningService> {
  const port = options.port ?? (await freePort());
  const config = loadConfig(
    {
      PRESENCE_SANDBOX: 'false',
      // As an operator who monitors everyone linked would set it; the denied default has its own e2e test.
      PRESENCE_CONSENT_DEFAULT: 'granted',
      PRESENCE_API_TOKEN: ADMIN_TOKEN,
      PRESENCE_LOG_LEVEL: 'error',
      PRESENCE_DATA_DIR: options.dataDir,
      PRESENCE_DB_PATH: join(options.dataDir, 'presence.sqlite'),
      PRESENCE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      ...options.env,
    },
    { platformCheckMs: 100, snapshotFlushMs: 50, streamHeartbeatMs: 60_000, ...options.tuning },
  );
  const app = await createApp(config, { wirings: options.wirings, sandbox: options.sandbox, clock: options.clock });
  await startApp(app, config, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    url,
    wsUrl: `ws://127.0.0.1:${port}`,
    close: () => app.close(),
    async call(method, path, { body, raw, token = ADMIN_TOKEN, headers = {} } = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (token !== null) (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
      if (raw !== undefined) {
        init.body = typeof raw === 'string' ? raw : new Uint8Array(raw);
      } else if (body !== undefined) {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
      const response = await fetch(`${url}${path}`, init);
      const text = await response.text();
      let parsed: unknown = undefined;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
  };
}

/** A stream client that keeps every message and waits for the ones a test expects. */
export class StreamClient {
  readonly messages: any[] = [];
  private waiters: { predicate: (m: any) => boolean; resolve: (m: any) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      this.messages.push(message);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.predicate(message)) return true;
        waiter.resolve(message);
        return false;
      });
    });
  }

  static async open(url: string, options: { token?: string; header?: boolean } = {}): Promise<StreamClient> {
    const token = options.token ?? ADMIN_TOKEN;
    const socket =
      options.header === false
        ? new WebSocket(`${url}/v1/stream?token=${encodeURIComponent(token)}`)
        : new WebSocket(`${url}/v1/stream`, { headers: { authorization: `Bearer ${token}` } });
    const client = new StreamClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    });
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves with the first message (already received or coming) that matches; rejects after `timeoutMs`. */
  next(predicate: (message: any) => boolean, timeoutMs = 5000): Promise<any> {
    const seen = this.messages.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching stream message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ predicate, resolve: (message) => (clearTimeout(timer), resolve(message)) });
    });
  }

  async subscribe(userIds: string[]): Promise<void> {
    this.send({ type: 'subscribe', userIds });
    await this.next((m) => m.type === 'subscribed' && userIds.every((id) => m.userIds.includes(id)));
  }

  close(): void {
    this.socket.close();
  }
}

/** Polls `check` until it returns a truthy value (the kit's helper, with this suite's positional timeouts). */
export function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5000, stepMs = 25): Promise<NonNullable<T>> {
  return kitEventually(check, { timeoutMs, stepMs });
}

/** What the admin's browser does with an authorize URL: follow the platform's redirect to our callback. */
export async function browse(authorizeUrl: string): Promise<{ callback: string; status: number; page: string }> {
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  const callback = consent.headers.get('location');
  if (consent.status !== 302 || !callback) throw new Error(`the authorize page answered ${consent.status}: ${await consent.text()}`);
  const page = await fetch(callback);
  return { callback, status: page.status, page: await page.text() };
}

/** The platform's entry in GET /v1/platforms. */
export async function platformStatus(service: RunningService, platform: string): Promise<any> {
  return (await service.call('GET', '/v1/platforms')).body.platforms.find((p: any) => p.platform === platform);
}

/** Everything the process writes to stdout and stderr (Nest's logger writes there) from now until `restore()`. */
export function captureOutput(): { text(): string; restore(): void } {
  const chunks: string[] = [];
  const originals = { out: process.stdout.write, err: process.stderr.write };
  const tap = ((chunk: unknown, ...rest: unknown[]): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = tap;
  process.stderr.write = tap;
  return {
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}

export { freePort };
