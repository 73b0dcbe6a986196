import { WebSocket } from 'ws';
import { EmulatorServer } from './emulator-server';

describe('EmulatorServer', () => {
  let emulator: EmulatorServer;

  beforeEach(async () => {
    emulator = await EmulatorServer.start({ websocket: true });
    emulator.route('GET', '/users/:id/presence', (req) => ({ json: { id: req.params.id, status: 'Available' } }));
    emulator.route('POST', '/echo', (req) => ({ status: 201, json: { body: req.body, q: req.query } }));
  });

  afterEach(() => emulator.close());

  it('listens on 127.0.0.1 with an ephemeral port and routes with params', async () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.wsUrl).toBe(emulator.url.replace('http', 'ws'));
    const res = await fetch(`${emulator.url}/users/u%201/presence`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'u 1', status: 'Available' });
    expect(res.headers.get('connection')).toBe('close');
  });

  it('records requests with parsed JSON and form bodies', async () => {
    await fetch(`${emulator.url}/echo?a=1&a=2`, { method: 'POST', body: JSON.stringify({ x: 1 }), headers: { 'content-type': 'application/json' } });
    const res = await fetch(`${emulator.url}/echo`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    expect(await res.json()).toEqual({ body: { grant_type: 'client_credentials' }, q: {} });
    expect(emulator.requests).toHaveLength(2);
    expect(emulator.requests[0]).toMatchObject({ method: 'POST', path: '/echo', body: { x: 1 }, query: { a: '1' }, outcome: 'route' });
    expect(emulator.requests[0].queryAll.a).toEqual(['1', '2']);
    expect(emulator.requests[1].text).toBe('grant_type=client_credentials');
    expect(emulator.requestsTo('/echo', 'post')).toHaveLength(2);
  });

  it('keeps every request by default, and only the newest requestLogLimit once bounded', async () => {
    for (let i = 0; i < 3; i++) await fetch(`${emulator.url}/users/u${i}/presence`);
    expect(emulator.requests).toHaveLength(3);
    emulator.requestLogLimit = 2;
    for (let i = 3; i < 10; i++) await fetch(`${emulator.url}/users/u${i}/presence`);
    expect(emulator.requests.map((request) => request.path)).toEqual(['/users/u8/presence', '/users/u9/presence']);
  });

  it('answers 404 for unmatched routes', async () => {
    const res = await fetch(`${emulator.url}/nope`);
    expect(res.status).toBe(404);
    expect(emulator.requests[0].outcome).toBe('unmatched');
  });

  it('applies scripted faults first-in first-out, then recovers', async () => {
    emulator.faults.failNext(1, { status: 401, json: { error: 'invalid_auth' } }).malformedNext(1).rateLimitNext(1, 7);
    const first = await fetch(`${emulator.url}/users/a/presence`);
    expect(first.status).toBe(401);
    const second = await fetch(`${emulator.url}/users/a/presence`);
    expect(second.headers.get('content-type')).toContain('application/json');
    await expect(second.json()).rejects.toThrow();
    const third = await fetch(`${emulator.url}/users/a/presence`);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('7');
    expect((await fetch(`${emulator.url}/users/a/presence`)).status).toBe(200);
  });

  it('drops connections and delays answers', async () => {
    emulator.faults.dropNext(1);
    await expect(fetch(`${emulator.url}/users/a/presence`)).rejects.toThrow();
    emulator.faults.delayNext(1, 30, '/users/:id/presence');
    const started = Date.now();
    const res = await fetch(`${emulator.url}/users/a/presence`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('narrows faults with a matcher and clears them', async () => {
    emulator.faults.failNext(Infinity, { status: 500 }, /^\/echo/);
    expect((await fetch(`${emulator.url}/users/a/presence`)).status).toBe(200);
    expect((await fetch(`${emulator.url}/echo`, { method: 'POST' })).status).toBe(500);
    expect(emulator.faults.pending()).toBe(Infinity);
    emulator.faults.clear();
    expect((await fetch(`${emulator.url}/echo`, { method: 'POST' })).status).toBe(201);
  });

  it('counts requests over an emulator-side budget and shapes the 429', async () => {
    emulator.budget('p:presence', 2, 60_000, '/users/:id/presence');
    emulator.onOverBudget((_req, info) => ({ status: 429, headers: { 'retry-after': String(info.retryAfterSec) }, json: { code: 429, message: 'slow down' } }));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${emulator.url}/users/a/presence`)).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect((await fetch(`${emulator.url}/echo`, { method: 'POST' })).status).toBe(201);
    expect(emulator.overBudgetCount('p:presence')).toBe(2);
    expect(emulator.overBudgetCount()).toBe(2);
    emulator.reset();
    expect(emulator.overBudgetCount()).toBe(0);
    expect(emulator.requests).toHaveLength(0);
  });

  it('accepts WebSocket connections and terminates them on close', async () => {
    emulator.onWebSocket((socket) => socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45000 } })));
    const client = new WebSocket(emulator.wsUrl);
    const hello = await new Promise<string>((resolve) => client.once('message', (data) => resolve(String(data))));
    expect(JSON.parse(hello)).toEqual({ op: 10, d: { heartbeat_interval: 45000 } });
    expect(emulator.webSocketClients).toHaveLength(1);
    const closed = new Promise((resolve) => client.once('close', resolve));
    await emulator.close();
    await closed;
    expect(emulator.openConnections()).toBe(0);
  });
});
