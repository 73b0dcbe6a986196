import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PresenceApiError } from './errors';
import { PresenceClient } from './http-client';
import { resolveRoute, ROUTES } from './routes';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  body: string;
}

/** A loopback server that records each request and answers what the test queued (200 {} by default). */
async function recordingServer(): Promise<{ url: string; seen: Seen[]; answer(status: number, body: string, headers?: Record<string, string>): void; server: Server }> {
  const seen: Seen[] = [];
  const answers: { status: number; body: string; headers: Record<string, string> }[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, contentType: request.headers['content-type'], body });
      const next = answers.shift() ?? { status: 200, body: '{}', headers: { 'content-type': 'application/json' } };
      response.writeHead(next.status, next.headers).end(next.status === 204 ? undefined : next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    seen,
    server,
    answer: (status, body, headers = { 'content-type': 'application/json' }) => answers.push({ status, body, headers }),
  };
}

describe('PresenceClient', () => {
  let fake: Awaited<ReturnType<typeof recordingServer>>;
  let client: PresenceClient;

  beforeAll(async () => {
    fake = await recordingServer();
    client = new PresenceClient({ baseUrl: fake.url, apiKey: 'k1', headers: { 'x-request-id': 'mine' } });
  });

  afterAll(() => new Promise<void>((resolve) => fake.server.close(() => resolve())));

  beforeEach(() => fake.seen.splice(0));

  it('calls each operation at its contract route with the key, the body as JSON and the query', async () => {
    await client.getPresence('a/b');
    await client.checkAvailability(['alice'], { details: true });
    await client.listAudit({ userId: 'alice', since: new Date('2026-12-01T00:00:00Z'), limit: 5 });
    await client.linkIdentities('alice', { slack: 'U1' });
    await client.stopMonitoring();
    expect(fake.seen.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'GET /v1/presence/a%2Fb',
      'POST /v1/availability?details=true',
      'GET /v1/audit?userId=alice&since=2026-12-01T00%3A00%3A00.000Z&limit=5',
      'PUT /v1/users/alice/identities',
      'POST /v1/monitoring/stop',
    ]);
    expect(fake.seen[1]).toMatchObject({ authorization: 'Bearer k1', contentType: 'application/json', body: '{"userIds":["alice"]}' });
    expect(fake.seen[4]).toMatchObject({ body: '', contentType: undefined });
  });

  it('follows nextCursor through every page', async () => {
    fake.answer(200, JSON.stringify({ users: [{ userId: 'a', platforms: [] }], nextCursor: 'c1' }));
    fake.answer(200, JSON.stringify({ users: [{ userId: 'b', platforms: ['zoom'] }], nextCursor: null }));
    expect((await client.listAllUsers(1)).map((user) => user.userId)).toEqual(['a', 'b']);
    expect(fake.seen.map((request) => request.url)).toEqual(['/v1/users?limit=1', '/v1/users?limit=1&cursor=c1']);
  });

  it('returns nothing for a 204, text for metrics, and the health body also on 503, without the key', async () => {
    fake.answer(204, '');
    await expect(client.revokeApiKey('id1')).resolves.toBeUndefined();
    fake.answer(200, 'presence_changes_total 3\n', { 'content-type': 'text/plain; version=0.0.4' });
    await expect(client.getMetrics()).resolves.toBe('presence_changes_total 3\n');
    fake.answer(503, JSON.stringify({ status: 'error' }));
    await expect(client.getHealth()).resolves.toEqual({ status: 'error' });
    expect(fake.seen[1].authorization).toBeUndefined();
    expect(fake.seen[2].authorization).toBeUndefined();
  });

  it('throws a PresenceApiError with the code, request id and the wait of a 429', async () => {
    fake.answer(429, JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'over the limit', requestId: 'mine' } }), {
      'content-type': 'application/json',
      'retry-after': '7',
    });
    const error = await client.getStats().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PresenceApiError);
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', message: 'over the limit', requestId: 'mine', retryAfterMs: 7000 });
  });

  it('has a route for every operation but the browser-facing OAuth callback', () => {
    expect(Object.keys(ROUTES)).toHaveLength(24);
    expect(() => resolveRoute('getPresence', {})).toThrow(/userId is missing/);
  });
});
