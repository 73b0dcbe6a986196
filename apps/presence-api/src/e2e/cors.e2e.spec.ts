import { bootService, type RunningService, tempDir } from './harness.spec-helper';

const APP_ORIGIN = 'https://dashboard.example.com';

describe('CORS: PRESENCE_CORS_ORIGINS lets browser apps on other origins call the API', () => {
  const dir = tempDir();
  let open: RunningService;
  let closed: RunningService;

  beforeAll(async () => {
    open = await bootService({ dataDir: `${dir.path}/open`, wirings: [], env: { PRESENCE_CORS_ORIGINS: `${APP_ORIGIN}, http://localhost:5173/` } });
    closed = await bootService({ dataDir: `${dir.path}/closed`, wirings: [] });
  });

  afterAll(async () => {
    await open?.close();
    await closed?.close();
    dir.remove();
  });

  const preflight = (service: RunningService, origin: string) =>
    fetch(`${service.url}/v1/presence/alice`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });

  it('answers a preflight from a listed origin: the origin, the methods and the Authorization header allowed', async () => {
    const answer = await preflight(open, APP_ORIGIN);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(answer.headers.get('access-control-allow-methods')).toContain('GET');
    expect(answer.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(answer.headers.get('access-control-max-age')).toBe('600');
    // The second origin was written with a trailing slash; browsers send it without.
    expect((await preflight(open, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('lets the page read the request id and rate-limit headers of a real answer', async () => {
    const answer = await open.call('GET', '/v1/users', { headers: { origin: APP_ORIGIN } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    const exposed = (answer.headers.get('access-control-expose-headers') ?? '').split(',').map((name) => name.trim().toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining(['x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']));
  });

  it('gives an origin that is not listed no CORS headers (the browser then blocks the page)', async () => {
    const answer = await preflight(open, 'https://evil.example.net');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const read = await open.call('GET', '/v1/users', { headers: { origin: 'https://evil.example.net' } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('by default sends no CORS headers at all', async () => {
    const answer = await preflight(closed, APP_ORIGIN);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const read = await closed.call('GET', '/v1/users', { headers: { origin: APP_ORIGIN } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    expect(read.headers.get('access-control-expose-headers')).toBeNull();
  });
});
