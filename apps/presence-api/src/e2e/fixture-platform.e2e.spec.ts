import { join } from 'node:path';
import { createApp, startApp } from '../bootstrap';
import { ConfigError, loadConfig } from '../config/config.loader';
import { FIXTURE_REGISTRY, signExample, startedExampleSandboxes, startExampleEmulator } from './fixture-platform.spec-helper';
import { ADMIN_TOKEN, eventually, freePort, tempDir } from './harness.spec-helper';
import { listRoutes } from './routes.spec-helper';

const REGISTRY = FIXTURE_REGISTRY;

async function boot(dataDir: string, env: Record<string, string>, sandbox = false) {
  const port = await freePort();
  const config = loadConfig(
    {
      PRESENCE_SANDBOX: String(sandbox),
      PRESENCE_CONSENT_DEFAULT: 'granted',
      PRESENCE_API_TOKEN: ADMIN_TOKEN,
      PRESENCE_LOG_LEVEL: 'error',
      PRESENCE_DATA_DIR: dataDir,
      PRESENCE_DB_PATH: join(dataDir, 'presence.sqlite'),
      PRESENCE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      PRESENCE_POLL_INTERVAL: '1',
      ...env,
    },
    { platformCheckMs: 100, snapshotFlushMs: 50 },
    REGISTRY,
  );
  // No sandbox option: sandbox mode is the app's own provider running @amo/presence-sandbox on this registry.
  const app = await createApp(config, { wirings: REGISTRY });
  await startApp(app, config, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, init: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, { method, headers, body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return { app, config, call };
}

describe('a seventh platform from its descriptor alone: the kit example platform in a test registry', () => {
  const dir = tempDir();
  let emulator: Awaited<ReturnType<typeof startExampleEmulator>>;
  let service: Awaited<ReturnType<typeof boot>>;

  beforeAll(async () => {
    emulator = await startExampleEmulator();
    service = await boot(dir.path, { EXAMPLE_TOKEN: emulator.token, EXAMPLE_API_BASE_URL: `${emulator.server.url}/`, EXAMPLE_WEBHOOK_SECRET: 'hook-secret' });
  });

  afterAll(async () => {
    await service?.app.close();
    await emulator?.server.close();
    dir.remove();
  });

  it('reads its configuration from the environment by the names its descriptor declares', () => {
    expect(service.config.credentials).toEqual({ zoom: { token: emulator.token, webhook_secret: 'hook-secret' } });
    expect(service.config.baseUrls).toEqual({ exampleApi: emulator.server.url });
    expect(() => loadConfig({ EXAMPLE_WEBHOOK_SECRET: 'only-this' }, {}, REGISTRY)).toThrow(/EXAMPLE_TOKEN must be set too/);
    expect(() => loadConfig({ EXAMPLE_API_BASE_URL: 'not a url' }, {}, REGISTRY)).toThrow(ConfigError);
  });

  it('serves presence polled through its adapter, and mounts exactly its webhook route', async () => {
    expect((await service.call('PUT', '/v1/users/alice/identities', { body: { zoom: 'u1' } })).status).toBe(200);
    const alice = await eventually(async () => {
      const body = (await service.call('GET', '/v1/presence/alice')).body;
      return body?.platforms?.zoom?.lastUpdated ? body : undefined;
    });
    expect(alice).toMatchObject({ userId: 'alice', status: 'online', platforms: { zoom: { status: 'online', rawStatus: 'available' } } });
    const webhooks = listRoutes(service.app).filter((route) => route.path.startsWith('/v1/webhooks'));
    expect(webhooks.map((route) => `${route.method} ${route.path}`)).toEqual(['POST /v1/webhooks/zoom']);
    expect(webhooks[0].public).toBeDefined();
    const platforms = (await service.call('GET', '/v1/platforms')).body.platforms;
    expect(platforms.find((p: { platform: string }) => p.platform === 'zoom')).toMatchObject({ installed: true, connected: true, source: 'env' });
    expect(platforms.find((p: { platform: string }) => p.platform === 'slack')).toMatchObject({ installed: false });
  });

  it('takes a signed delivery at its route into presence through the adapter\'s push sink, and refuses a forged one', async () => {
    const body = JSON.stringify({ id: 'u1', state: 'dnd' });
    const forged = await service.call('POST', '/v1/webhooks/zoom', { raw: body, headers: { 'content-type': 'application/json', 'x-example-signature': signExample('wrong', body) } });
    expect(forged.status).toBe(401);
    const accepted = await service.call('POST', '/v1/webhooks/zoom', { raw: body, headers: { 'content-type': 'application/json', 'x-example-signature': signExample('hook-secret', body) } });
    expect(accepted.status).toBe(204);
    const alice = await eventually(async () => {
      const presence = (await service.call('GET', '/v1/presence/alice')).body;
      return presence?.status === 'busy' ? presence : undefined;
    });
    expect(alice.platforms.zoom).toMatchObject({ status: 'busy', rawStatus: 'dnd' });
    // Only the declared method is mounted: GET on the route is refused (405, an unsupported method on a known path).
    expect((await service.call('GET', '/v1/webhooks/zoom')).status).toBe(405);
  });

  it('runs in sandbox mode from its own sandbox starter through the sandbox library, with nothing in the environment', async () => {
    const sandboxDir = tempDir();
    const sandboxed = await boot(sandboxDir.path, {}, true);
    try {
      // The sample people come from the starter: alice's account u1 starts at dnd, read by polling the emulator.
      const alice = await eventually(async () => {
        const body = (await sandboxed.call('GET', '/v1/presence/alice')).body;
        return body?.platforms?.zoom?.lastUpdated ? body : undefined;
      });
      expect(alice).toMatchObject({ status: 'busy', platforms: { zoom: { rawStatus: 'dnd' } } });
      expect((await sandboxed.call('GET', '/v1/users/alice/identities')).body).toMatchObject({ zoom: 'u1' });
      expect((await sandboxed.call('GET', '/health')).body).toMatchObject({ sandbox: true, platforms: { zoom: { state: 'up' } } });

      // A change goes out as a signed webhook to the route the sandbox derived from the descriptor and the service's URL.
      const running = startedExampleSandboxes[startedExampleSandboxes.length - 1];
      expect(await running.apply('u1', 'away')).toBe(204);
      const changed = await eventually(async () => {
        const body = (await sandboxed.call('GET', '/v1/presence/alice')).body;
        return body?.platforms?.zoom?.rawStatus === 'away' ? body : undefined;
      });
      expect(changed).toMatchObject({ status: 'away' });
    } finally {
      await sandboxed.app.close();
      sandboxDir.remove();
    }
  });
});
