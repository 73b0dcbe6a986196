import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { WebSocket } from 'ws';
import { ADMIN_TOKEN, bootService, type RunningService, StreamClient, tempDir } from './harness.spec-helper';
import { listRoutes } from './routes.spec-helper';

/** Public by design (CONTRACT): health, metrics, the dashboard, webhooks and the OAuth callback. Nothing else. */
const PUBLIC_ROUTES = new Set([
  'GET /',
  'GET /health',
  'GET /metrics',
  'POST /v1/webhooks/slack',
  'GET /v1/webhooks/teams',
  'POST /v1/webhooks/teams',
  'POST /v1/webhooks/zoom',
  'GET /v1/webhooks/whatsapp',
  'POST /v1/webhooks/whatsapp',
  'GET /v1/webhooks/linkedin',
  'POST /v1/webhooks/linkedin',
  'GET /v1/oauth/:platform/callback',
]);

const sample = (path: string): string => path.replace(':userId', 'alice').replace(':platform', 'zoom').replace(':id', 'some-id');

describe('security and bad input', () => {
  const dir = tempDir();
  let zoom: ZoomEmulator;
  let service: RunningService;

  beforeAll(async () => {
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-alice', status: 'Available' }] });
    service = await bootService({
      dataDir: dir.path,
      env: {
        ZOOM_ACCOUNT_ID: zoom.accountId,
        ZOOM_CLIENT_ID: zoom.clientId,
        ZOOM_CLIENT_SECRET: zoom.clientSecret,
        ZOOM_API_BASE_URL: zoom.apiBaseUrl,
        ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl,
        PRESENCE_RATE_LIMIT: '1000',
      },
      tuning: { bodyLimitBytes: 512 * 1024 },
    });
    await service.call('PUT', '/v1/users/alice/identities', { body: { zoom: 'zoom-alice' } });
  });

  afterAll(async () => {
    await service?.close();
    await zoom?.close();
    dir.remove();
  });

  describe('every route has an auth decision', () => {
    it('declares @Public only on the routes public by design, and a scope on every other', () => {
      const routes = listRoutes(service.app);
      expect(routes.length).toBeGreaterThan(25);
      for (const route of routes) {
        const key = `${route.method} ${route.path}`;
        if (PUBLIC_ROUTES.has(key)) expect({ key, public: Boolean(route.public) }).toEqual({ key, public: true });
        else expect({ key, scope: route.scope, public: route.public }).toEqual({ key, scope: expect.stringMatching(/^(read|write|admin)$/), public: undefined });
      }
    });

    it('refuses every non-public route without a key, and with an unknown key', async () => {
      for (const route of listRoutes(service.app).filter((r) => !r.public)) {
        for (const token of [null, 'amo_not-a-real-key-0000000000']) {
          const response = await service.call(route.method, sample(route.path), { token, body: route.method === 'GET' ? undefined : {} });
          expect({ route: `${route.method} ${route.path}`, status: response.status, code: response.body?.error?.code }).toEqual({
            route: `${route.method} ${route.path}`,
            status: 401,
            code: 'UNAUTHORIZED',
          });
        }
      }
    });

    it('documents the API at /docs and /docs-json without a key', async () => {
      const docs = await service.call('GET', '/docs-json', { token: null });
      expect(docs.status).toBe(200);
      expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/v1/presence/{userId}', '/v1/availability', '/v1/platforms']));
      expect((await service.call('GET', '/docs', { token: null })).status).toBe(200);
    });
  });

  describe('API keys and scopes', () => {
    it('creates a key once, enforces its scope, lists keys without secrets, and revokes at once', async () => {
      const created = await service.call('POST', '/v1/api-keys', { body: { name: 'reader', scopes: ['read'] } });
      expect(created.status).toBe(201);
      const key = created.body.key as string;
      expect((await service.call('GET', '/v1/presence/alice', { token: key })).status).toBe(200);
      const forbidden = await service.call('PUT', '/v1/users/alice/preferences', { token: key, body: { consent: true } });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.code).toBe('FORBIDDEN');
      expect((await service.call('GET', '/v1/platforms', { token: key })).status).toBe(403);
      const listed = await service.call('GET', '/v1/api-keys');
      expect(JSON.stringify(listed.body)).not.toContain(key);
      expect(listed.body.apiKeys.map((k: any) => k.name)).toEqual(expect.arrayContaining(['bootstrap-admin', 'reader']));
      expect((await service.call('DELETE', `/v1/api-keys/${created.body.apiKey.id}`)).status).toBe(204);
      expect((await service.call('GET', '/v1/presence/alice', { token: key })).status).toBe(401);
      expect((await service.call('DELETE', `/v1/api-keys/${created.body.apiKey.id}`)).status).toBe(404);
    });
  });

  describe('bad input gets a clear 4xx and changes nothing', () => {
    const cases: [string, string, string, { body?: unknown; raw?: string; headers?: Record<string, string> }, number, RegExp][] = [
      ['malformed JSON', 'POST', '/v1/availability', { raw: '{"userIds": [', headers: { 'content-type': 'application/json' } }, 400, /not valid JSON/],
      ['wrong type', 'POST', '/v1/availability', { body: { userIds: 'alice' } }, 400, /userIds must be an array/],
      ['no body', 'POST', '/v1/availability', {}, 400, /body/],
      ['empty list', 'POST', '/v1/availability', { body: { userIds: [] } }, 400, /at least one/],
      ['1001 user ids', 'POST', '/v1/availability', { body: { userIds: Array.from({ length: 1001 }, (_, i) => `u${i}`) } }, 400, /at most 1000/],
      ['an id over 256 characters', 'POST', '/v1/availability', { body: { userIds: ['x'.repeat(257)] } }, 400, /at most 256/],
      ['an id over 256 characters in the path', 'GET', `/v1/presence/${'x'.repeat(257)}`, {}, 400, /at most 256/],
      ['details not a boolean', 'POST', '/v1/availability?details=yes', { body: { userIds: ['alice'] } }, 400, /details must be true or false/],
      ['unknown platform in identities', 'PUT', '/v1/users/bob/identities', { body: { myspace: 'tom' } }, 400, /unknown platform/],
      ['account id of the wrong type', 'PUT', '/v1/users/bob/identities', { body: { zoom: 42 } }, 400, /must be a string/],
      ['unknown platform in the path', 'POST', '/v1/platforms/myspace/connect', { body: { credentials: {} } }, 400, /unknown platform/],
      ['connect without credentials', 'POST', '/v1/platforms/zoom/connect', { body: {} }, 400, /credentials/],
      ['connect with a bad credential shape', 'POST', '/v1/platforms/zoom/connect', { body: { credentials: { account_id: 'a' } } }, 400, /client_id/],
      ['unknown preference field', 'PUT', '/v1/users/alice/preferences', { body: { optOut: true } }, 400, /unknown field\(s\): optOut/],
      ['bad quiet hours', 'PUT', '/v1/users/alice/preferences', { body: { quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } } }, 400, /HH:MM/],
      ['unknown time zone', 'PUT', '/v1/users/alice/preferences', { body: { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } } }, 400, /time zone/],
      ['interval below a second', 'PUT', '/v1/platforms/zoom/monitoring', { body: { intervalSeconds: 0 } }, 400, /at least 1/],
      ['interval of the wrong type', 'PUT', '/v1/platforms/zoom/monitoring', { body: { intervalSeconds: '30' } }, 400, /must be a number/],
      ['unknown scope', 'POST', '/v1/api-keys', { body: { name: 'x', scopes: ['root'] } }, 400, /read, write or admin/],
      ['bad audit date', 'GET', '/v1/audit?since=yesterday', {}, 400, /ISO 8601/],
      ['bad page size', 'GET', '/v1/users?limit=5000', {}, 400, /at most 1000/],
      ['bad cursor', 'GET', '/v1/users?cursor=nonsense', {}, 400, /cursor/],
      ['oversized body', 'POST', '/v1/availability', { raw: JSON.stringify({ userIds: ['a'], pad: 'x'.repeat(600 * 1024) }), headers: { 'content-type': 'application/json' } }, 413, /too large/],
      ['unknown person', 'GET', '/v1/presence/nobody', {}, 404, /no identity links/],
      ['oauth for a platform without a flow', 'POST', '/v1/oauth/whatsapp/start', { body: {} }, 400, /no OAuth connect flow/],
      ['unknown route', 'GET', '/v1/nothing-here', {}, 404, /Cannot GET/],
    ];

    it.each(cases)('%s', async (_name, method, path, options, status, message) => {
      const before = await service.call('GET', '/v1/users/alice/preferences');
      const response = await service.call(method, path, options);
      expect({ status: response.status, message: response.body?.error?.message }).toEqual({ status, message: expect.stringMatching(message) });
      expect(response.body.error.code).toEqual(expect.any(String));
      expect((await service.call('GET', '/v1/users/alice/preferences')).body).toEqual(before.body);
      expect((await service.call('GET', '/v1/users/alice/identities')).body).toEqual({ zoom: 'zoom-alice' });
    });

    it('answers 409 when an account already belongs to someone else, and keeps both people as they were', async () => {
      const response = await service.call('PUT', '/v1/users/bob/identities', { body: { zoom: 'zoom-alice' } });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('CONFLICT');
      expect((await service.call('GET', '/v1/users/bob/identities')).body).toEqual({});
    });

    it('rejects an unsigned webhook and an unconnected platform webhook with 4xx', async () => {
      const unsigned = await service.call('POST', '/v1/webhooks/zoom', { token: null, raw: '{"event":"user.presence_status_updated"}', headers: { 'content-type': 'application/json' } });
      expect(unsigned.status).toBeGreaterThanOrEqual(400);
      expect(unsigned.status).toBeLessThan(500);
      const slack = await service.call('POST', '/v1/webhooks/slack', { token: null, raw: '{}', headers: { 'content-type': 'application/json' } });
      expect(slack.status).toBe(404);
    });
  });

  describe('the stream', () => {
    it('refuses an upgrade without a valid key', async () => {
      await expect(StreamClient.open(service.wsUrl, { token: 'amo_wrong-key-000000000000000' })).rejects.toThrow(/401/);
    });

    it('answers invalid frames with an error message and keeps the connection', async () => {
      const client = await StreamClient.open(service.wsUrl);
      client.send('not json');
      client.send({ type: 'subscribe', userIds: 'alice' });
      client.send({ type: 'dance' });
      client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
      await client.next((m) => m.type === 'error' && /binary/.test(m.error.message));
      const errors = client.messages.filter((m) => m.type === 'error');
      expect(errors.map((m) => m.error.code)).toEqual(['INVALID_FRAME', 'INVALID_FRAME', 'INVALID_FRAME', 'INVALID_FRAME']);
      await client.subscribe(['alice']);
      expect(client.socket.readyState).toBe(WebSocket.OPEN);
      client.close();
    });
  });

  describe('metrics', () => {
    it('exposes Prometheus text with route patterns, never person ids', async () => {
      await service.call('GET', '/v1/presence/alice');
      const metrics = await service.call('GET', '/metrics', { token: null });
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('presence_http_request_duration_seconds');
      expect(metrics.text).toContain('route="/v1/presence/:userId"');
      expect(metrics.text).toContain('presence_platform_request_duration_seconds');
      expect(metrics.text).not.toMatch(/alice|zoom-alice/);
    });
  });

  describe('rate limit', () => {
    it('answers 429 with Retry-After once a key spends its per-minute budget', async () => {
      const limitedDir = tempDir();
      const limited = await bootService({ dataDir: limitedDir.path, env: { PRESENCE_RATE_LIMIT: '3' } });
      try {
        const statuses: number[] = [];
        let retryAfter: string | null = null;
        for (let i = 0; i < 4; i++) {
          const response = await limited.call('GET', '/v1/stats');
          statuses.push(response.status);
          retryAfter = response.headers.get('retry-after');
        }
        expect(statuses).toEqual([200, 200, 200, 429]);
        expect(Number(retryAfter)).toBeGreaterThan(0);
        expect((await limited.call('GET', '/health', { token: null })).status).toBe(200);
      } finally {
        await limited.close();
        limitedDir.remove();
      }
    });
  });

  it('keeps the admin token out of every answer', async () => {
    const stats = await service.call('GET', '/v1/stats');
    expect(JSON.stringify(stats.body)).not.toContain(ADMIN_TOKEN);
  });
});
