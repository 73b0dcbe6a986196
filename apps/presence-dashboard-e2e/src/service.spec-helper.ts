import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// An e2e test of the app may boot it through the app's own bootstrap: that is how it reaches the sandbox the
// service starts, to script changes on its emulators. Nothing else imports the app.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createApp, startApp } from '@amo/presence-api/src/bootstrap';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadConfig } from '@amo/presence-api/src/config/config.loader';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { PresenceStreamGateway } from '@amo/presence-api/src/stream/presence-stream.gateway';
import { freePort } from '@amo/presence-adapter-kit/testing';
import type { Platform } from '@amo/presence-core';
import { type Sandbox, startSandbox } from '@amo/presence-sandbox';

export const BOOTSTRAP_KEY = 'dashboard-e2e-admin-key-0123456789abcdef';

export interface SandboxService {
  url: string;
  /** Resolves once the service holds a reading for every account that has one to give (first polls and pushes). */
  firstReadings(timeoutMs?: number): Promise<void>;
  /** The sandbox the service started, for scripting changes and outages on its emulators. */
  sandbox: Sandbox;
  /** Drops every stream connection from the server's side, as a restart or a network cut would; returns how many. */
  dropStreamClients(): number;
  close(): Promise<void>;
}

export interface BootOptions {
  /** Environment names on top of the test's own (PRESENCE_*). */
  env?: Record<string, string>;
  /**
   * Per platform, credentials the service is given instead of the sandbox's (a revoked token: the platform fails
   * to connect), or null for none at all (the platform is not configured). The emulators still run.
   */
  credentials?: Partial<Record<Platform, Record<string, string> | null>>;
  /** Endpoints the service is given instead of the emulators' (`zoomOAuth: 'http://zoom.invalid'`: host not found). */
  baseUrls?: Record<string, string>;
}

/**
 * Boots presence-api the way `node dist/main.js` does (config from environment names, createApp, startApp) in
 * sandbox mode, with a temp data dir and a free port. The sandbox starter is `startSandbox` with random
 * changes off, so the test's own scripted changes are the only ones; the service polls every second (Slack
 * every 6 s).
 */
export async function bootSandboxService({ env = {}, credentials: replaced = {}, baseUrls = {} }: BootOptions = {}): Promise<SandboxService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'presence-dashboard-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig(
    {
      PRESENCE_SANDBOX: 'true',
      PRESENCE_API_TOKEN: BOOTSTRAP_KEY,
      PRESENCE_LOG_LEVEL: 'error',
      PRESENCE_DATA_DIR: dataDir,
      PRESENCE_DB_PATH: join(dataDir, 'presence.sqlite'),
      PRESENCE_PUBLIC_URL: url,
      PORT: String(port),
      PRESENCE_POLL_INTERVAL: '1',
      // Slack's sweep reads what fits its budget in one interval: 6 s reads every sandbox person in one step.
      PRESENCE_POLL_INTERVAL_SLACK: '6',
      PRESENCE_MAX_RETRIES: '0',
      ...env,
    },
    { platformCheckMs: 200, snapshotFlushMs: 200 },
  );
  let sandbox: Sandbox | undefined;
  const app = await createApp(config, {
    sandbox: async (options) => {
      const started = (sandbox = await startSandbox({ ...options, changeEveryMs: 0 }));
      const credentials = { ...started.credentials };
      for (const [platform, record] of Object.entries(replaced) as [Platform, Record<string, string> | null][]) {
        if (record) credentials[platform] = { ...credentials[platform], ...record };
        else delete credentials[platform];
      }
      return { baseUrls: { ...started.baseUrls, ...baseUrls }, credentials, people: started.people, close: () => started.close() };
    },
  });
  await startApp(app, config, '127.0.0.1');
  if (!sandbox) throw new Error('presence-api did not start the sandbox');
  const ready = sandbox;
  return {
    url,
    sandbox,
    firstReadings: async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (const person of ready.people) {
        // A WhatsApp/LinkedIn account nobody heard from has no reading to wait for.
        const expected = Object.keys(person.accounts).filter((platform) => ready.nativeStatus(person.userId, platform as Platform) !== undefined);
        for (;;) {
          const response = await fetch(`${url}/v1/presence/${person.userId}`, { headers: { authorization: `Bearer ${BOOTSTRAP_KEY}` } });
          const body = (await response.json()) as { platforms?: Record<string, unknown> };
          if (expected.every((platform) => body.platforms?.[platform])) break;
          if (Date.now() > deadline) throw new Error(`${person.userId}: no reading yet from ${expected.filter((p) => !body.platforms?.[p]).join(', ')}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    },
    dropStreamClients: () => {
      // The gateway keeps its connections private; the test reaches in only to cut them.
      const gateway = app.get(PresenceStreamGateway) as unknown as { clients: Map<{ terminate(): void }, unknown> };
      const sockets = [...gateway.clients.keys()];
      for (const socket of sockets) socket.terminate();
      return sockets.length;
    },
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
