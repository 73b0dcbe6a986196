import { eventually as kitEventually, freePort } from '@amo/presence-adapter-kit/testing';
import { PresenceClient, PresenceStream, type PresenceStreamOptions } from '@amo/presence-client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { AppModuleOptions } from '../app.module';
import { createApp, startApp } from '../bootstrap';
import { type AppConfig, type Tuning } from '../config/app-config';
import { loadConfig } from '../config/config.loader';
import { ADMIN_TOKEN } from './process.spec-helper';

// End-to-end steps wait for real servers; on two busy cores a step may take seconds, never minutes.
jest.setTimeout(30_000);

export { ADMIN_TOKEN } from './process.spec-helper';

export function tempDir(prefix = 'presence-e2e-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}


export interface RunningService {
  app: NestFastifyApplication;
  config: AppConfig;
  url: string;
  wsUrl: string;
  /** The library's HTTP client with the admin key. */
  client: PresenceClient;
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
    client: new PresenceClient({ baseUrl: url, apiKey: ADMIN_TOKEN }),
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

/**
 * The library's stream client (`@amo/presence-client`'s PresenceStream over `ws`) with what these tests need: every
 * message kept, a wait for the ones a test expects, and the raw socket for frames the library would never send.
 * It does not reconnect unless asked (`reconnect`), so a test sees each close as it happens.
 */
export class StreamClient {
  readonly messages: any[] = [];
  private waiters: { predicate: (m: any) => boolean; resolve: (m: any) => void }[] = [];

  private constructor(readonly stream: PresenceStream) {
    stream.on('message', (message) => {
      this.messages.push(message);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.predicate(message)) return true;
        waiter.resolve(message);
        return false;
      });
    });
  }

  /** Opens the stream with the key as a header (or `?token=` with `header: false`); rejects when the upgrade is refused. */
  static async open(url: string, options: { token?: string; header?: boolean; reconnect?: PresenceStreamOptions['reconnect'] } = {}): Promise<StreamClient> {
    const stream = new PresenceStream({
      baseUrl: url,
      apiKey: options.token ?? ADMIN_TOKEN,
      WebSocket,
      auth: options.header === false ? 'query' : 'header',
      reconnect: options.reconnect ?? false,
    });
    const client = new StreamClient(stream);
    await stream.connect();
    return client;
  }

  /** The `ws` socket in use now (a new one after a reconnect). */
  get socket(): WebSocket {
    return this.stream.socket as unknown as WebSocket;
  }

  /** Sends a frame as is (a string, or JSON of anything else), for frames the library would never send. */
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

  /** Subscribes through the library (kept across reconnects) and waits for the acknowledgement. */
  async subscribe(userIds: string[]): Promise<void> {
    this.stream.subscribe(userIds);
    await this.next((m) => m.type === 'subscribed' && userIds.every((id) => m.userIds?.includes(id)));
  }

  close(): void {
    this.stream.close();
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

/**
 * The environment variables that connect the service to a platform's emulator, as an operator would set them
 * for the real platform: one place for the e2e specs instead of a copy per spec.
 */
export const emulatorEnv = {
  discord: (discord: { token: string; apiBaseUrl: string }, guildId: string): Record<string, string> => ({
    DISCORD_BOT_TOKEN: discord.token,
    DISCORD_GUILD_ID: guildId,
    DISCORD_API_BASE_URL: discord.apiBaseUrl,
  }),
  slack: (slack: { botToken: string; signingSecret: string; baseUrl: string }): Record<string, string> => ({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_BASE_URL: slack.baseUrl,
  }),
  teams: (graph: { url: string; credentials(): Record<string, string> }): Record<string, string> => {
    const teams = graph.credentials();
    return {
      TEAMS_TENANT_ID: teams.tenant_id,
      TEAMS_CLIENT_ID: teams.client_id,
      TEAMS_CLIENT_SECRET: teams.client_secret,
      GRAPH_API_BASE_URL: graph.url,
      MICROSOFT_LOGIN_BASE_URL: graph.url,
    };
  },
  zoom: (zoom: { accountId: string; clientId: string; clientSecret: string; webhookSecretToken: string; apiBaseUrl: string; oauthBaseUrl: string }): Record<string, string> => ({
    ZOOM_ACCOUNT_ID: zoom.accountId,
    ZOOM_CLIENT_ID: zoom.clientId,
    ZOOM_CLIENT_SECRET: zoom.clientSecret,
    ZOOM_WEBHOOK_SECRET_TOKEN: zoom.webhookSecretToken,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl,
  }),
};
