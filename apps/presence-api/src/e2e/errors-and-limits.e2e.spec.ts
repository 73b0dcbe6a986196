import { PresenceAggregator } from '@amo/presence-core';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { WebSocket } from 'ws';
import { ERROR_CODES } from '../errors/error-codes';
import { ADMIN_TOKEN, bootService, captureOutput, type RunningService, tempDir } from './harness.spec-helper';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The one error shape, with the X-Request-Id of the answer repeated in the body. */
function expectErrorShape(response: { status: number; headers: Headers; body: any }, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(response.body)).toEqual(['error']);
  expect(response.body.error).toEqual({ code, message: expect.any(String), requestId: response.headers.get('x-request-id'), ...(response.body.error.details ? { details: expect.any(Array) } : {}) });
  expect(ERROR_CODES[code as keyof typeof ERROR_CODES]).toBeDefined();
}

/** Raw bytes to the server, everything it answers until it closes (or `waitMs` passes). */
function rawExchange(port: number, bytes: string | Buffer, waitMs = 5000): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('utf8'), closedAfterMs: Date.now() - started });
    });
  });
}

function parseRaw(text: string): { status: number; headers: Record<string, string>; body: any } {
  const [head, body] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: body ? JSON.parse(body) : undefined };
}

/** A request from a chosen loopback address (127.0.0.0/8 is all loopback), so the service sees another caller. */
function fromAddress(port: number, localAddress: string, path: string, token: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, localAddress, headers: { authorization: `Bearer ${token}` } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] as string | undefined }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Opens a stream upgrade and reports what the server answered instead of 101 (or 101). */
function upgrade(url: string, options: { token?: string; localAddress?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const headers = { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers };
    const socket = new WebSocket(`${url}/v1/stream`, { headers, localAddress: options.localAddress });
    socket.on('upgrade', (response) => {
      resolve({ status: 101, headers: response.headers, body: undefined });
      socket.close();
    });
    socket.on('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    socket.on('error', (error) => (/Unexpected server response/.test(error.message) ? undefined : reject(error)));
  });
}

describe('one error shape, request ids, rate-limit headers and the HTTP server limits', () => {
  const dir = tempDir();
  let zoom: ZoomEmulator;
  let service: RunningService;
  let port: number;

  beforeAll(async () => {
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-alice', status: 'Available' }] });
    service = await bootService({
      dataDir: dir.path,
      env: {
        ZOOM_ACCOUNT_ID: zoom.accountId,
        ZOOM_CLIENT_ID: zoom.clientId,
        ZOOM_CLIENT_SECRET: zoom.clientSecret,
        ZOOM_WEBHOOK_SECRET_TOKEN: zoom.webhookSecretToken,
        ZOOM_API_BASE_URL: zoom.apiBaseUrl,
        ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl,
        PRESENCE_RATE_LIMIT: '5000',
      },
      tuning: { headersTimeoutMs: 400, requestTimeoutMs: 800, connectionsCheckingIntervalMs: 50, keepAliveTimeoutMs: 3_000, maxRequestsPerSocket: 500 },
    });
    port = Number(new URL(service.url).port);
    await service.call('PUT', '/v1/users/alice/identities', { body: { zoom: 'zoom-alice' } });
  });

  afterAll(async () => {
    await service?.close();
    await zoom?.close();
    dir.remove();
  });

  describe('X-Request-Id', () => {
    it('is on every answer, the caller\'s when it is a sane token, else a new UUID', async () => {
      expect((await service.call('GET', '/health', { token: null })).headers.get('x-request-id')).toMatch(UUID);
      expect((await service.call('GET', '/v1/stats')).headers.get('x-request-id')).toMatch(UUID);
      const mine = await service.call('GET', '/v1/presence/alice', { headers: { 'x-request-id': 'amo-scheduler:run-42/7' } });
      expect(mine.headers.get('x-request-id')).toBe('amo-scheduler:run-42/7');
      for (const insane of ['two words', 'x'.repeat(129), 'tab\there']) {
        expect((await service.call('GET', '/v1/stats', { headers: { 'x-request-id': insane } })).headers.get('x-request-id')).toMatch(UUID);
      }
    });

    it('logs every 5xx with its request id', async () => {
      const aggregator = service.app.get(PresenceAggregator);
      const spy = jest.spyOn(aggregator, 'getPresenceStatistics').mockImplementationOnce(() => {
        throw new Error('statistics exploded');
      });
      const output = captureOutput();
      let answer;
      try {
        answer = await service.call('GET', '/v1/stats', { headers: { 'x-request-id': 'trace-5xx-1' } });
      } finally {
        output.restore();
        spy.mockRestore();
      }
      expectErrorShape(answer, 500, 'INTERNAL');
      expect(answer.body.error.requestId).toBe('trace-5xx-1');
      expect(answer.text).not.toContain('exploded');
      expect(output.text()).toMatch(/GET \/v1\/stats answered 500 INTERNAL \(request trace-5xx-1\)[\s\S]*statistics exploded/);
    });
  });

  describe('the error shape everywhere', () => {
    it('unknown routes, validation with details, conflicts, auth', async () => {
      expectErrorShape(await service.call('GET', '/v1/nothing-here'), 404, 'NOT_FOUND');
      const invalid = await service.call('POST', '/v1/availability', { body: { userIds: [] } });
      expectErrorShape(invalid, 400, 'VALIDATION_FAILED');
      expect(invalid.body.error.details).toEqual([{ path: 'body.userIds', message: expect.stringMatching(/at least one/) }]);
      expectErrorShape(await service.call('GET', '/v1/stats', { token: 'amo_not-a-key-000000000000000' }), 401, 'UNAUTHORIZED');
    });

    it('405 with Allow for a method the path does not take, not 404', async () => {
      const remove = await service.call('DELETE', '/v1/availability');
      expectErrorShape(remove, 405, 'METHOD_NOT_ALLOWED');
      expect(remove.headers.get('allow')).toBe('POST');
      const patch = await service.call('PATCH', '/v1/presence/alice', { body: {} });
      expectErrorShape(patch, 405, 'METHOD_NOT_ALLOWED');
      expect(patch.headers.get('allow')).toBe('GET, HEAD');
    });

    it('415 telling a JSON body without Content-Type (Python requests data=) to send application/json', async () => {
      const bare = await service.call('POST', '/v1/availability', { raw: JSON.stringify({ userIds: ['alice'] }) });
      expectErrorShape(bare, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(bare.body.error.message).toMatch(/Content-Type: application\/json/);
      const form = await service.call('PUT', '/v1/users/alice/preferences', { raw: 'consent=true', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectErrorShape(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect((await service.call('POST', '/v1/availability', { body: { userIds: ['alice'] } })).status).toBe(200);
    });

    it('a body that claims gzip, deflate or br but is not: 400 on every body route, webhooks too, with or without a key', async () => {
      const output = captureOutput();
      try {
        for (const encoding of ['gzip', 'deflate', 'br']) {
          for (const [path, token] of [['/v1/availability', ADMIN_TOKEN], ['/v1/availability', null], ['/v1/identities/batch', null], ['/v1/webhooks/zoom', null], ['/v1/webhooks/slack', null]] as const) {
            const answer = await service.call('POST', path, { token, raw: '{}', headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
            expect({ encoding, path, status: answer.status }).toEqual({ encoding, path, status: 400 });
            expectErrorShape(answer, 400, 'MALFORMED_BODY');
          }
        }
      } finally {
        output.restore();
      }
      expect(output.text()).not.toMatch(/ERROR|Z_DATA_ERROR|incorrect header check|Decompression failed/);
      // Really compressed bodies still work.
      const body = JSON.stringify({ userIds: ['alice'] });
      for (const [encoding, raw] of [['gzip', gzipSync(body)], ['br', brotliCompressSync(body)]] as const) {
        const answer = await service.call('POST', '/v1/availability', { raw, headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
        expect({ encoding, status: answer.status, body: answer.body }).toEqual({ encoding, status: 200, body: { availability: { alice: expect.any(Boolean) } } });
      }
    });

    it('webhook refusals: the same shape, whatever the adapter answered', async () => {
      const unsigned = await service.call('POST', '/v1/webhooks/zoom', { token: null, raw: '{"event":"user.presence_status_updated"}', headers: { 'content-type': 'application/json' } });
      expect(unsigned.status).toBeGreaterThanOrEqual(400);
      expectErrorShape(unsigned, unsigned.status, unsigned.status === 401 ? 'UNAUTHORIZED' : unsigned.status === 403 ? 'FORBIDDEN' : 'BAD_REQUEST');
      expectErrorShape(await service.call('POST', '/v1/webhooks/slack', { token: null, raw: '{}', headers: { 'content-type': 'application/json' } }), 404, 'NOT_FOUND');
    });

    it("Node's own 400 and 431 are JSON bodies with the shape, then the connection closes", async () => {
      const garbage = parseRaw((await rawExchange(port, 'NONSENSE\r\n\r\n')).text);
      expect(garbage).toMatchObject({ status: 400, headers: { 'content-type': expect.stringMatching(/^application\/json/), 'x-request-id': expect.stringMatching(UUID) } });
      expect(garbage.body).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String), requestId: garbage.headers['x-request-id'] } });
      const huge = parseRaw((await rawExchange(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).text);
      expect(huge).toMatchObject({ status: 431, body: { error: { code: 'HEADERS_TOO_LARGE', requestId: huge.headers['x-request-id'] } } });
    });
  });

  describe('slow clients', () => {
    it('the server limits come from Tuning', () => {
      const server = service.app.getHttpServer();
      expect({ headers: server.headersTimeout, request: server.requestTimeout, keepAlive: server.keepAliveTimeout, perSocket: server.maxRequestsPerSocket }).toEqual({
        headers: 400,
        request: 800,
        keepAlive: 3_000,
        perSocket: 500,
      });
    });

    it('slow headers get a JSON 408 once headersTimeout passes, and the connection is closed', async () => {
      const slow = await rawExchange(port, 'GET /health HTTP/1.1\r\nHost: x\r\n', 5_000);
      expect(slow.closedAfterMs).toBeLessThan(3_000);
      expect(parseRaw(slow.text)).toMatchObject({ status: 408, body: { error: { code: 'REQUEST_TIMEOUT' } } });
    });

    it('a slow body is cut at requestTimeout', async () => {
      const slow = await rawExchange(port, 'POST /v1/availability HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"userIds"', 5_000);
      expect(slow.closedAfterMs).toBeLessThan(3_000);
    });
  });

  describe('rate-limit headers', () => {
    it('every authenticated answer carries the key\'s state; errors of an authenticated request too', async () => {
      const answer = await service.call('GET', '/v1/stats');
      expect(answer.headers.get('ratelimit-limit')).toBe('5000');
      expect(Number(answer.headers.get('ratelimit-remaining'))).toBeLessThan(5000);
      expect(Number(answer.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
      expect(answer.headers.get('ratelimit-policy')).toBe('5000;w=60');
      expect((await service.call('GET', '/v1/presence/nobody')).headers.get('ratelimit-limit')).toBe('5000');
      expect((await service.call('GET', '/health', { token: null })).headers.get('ratelimit-limit')).toBeNull();
    });

    it('Remaining counts down with each request; a 429 keeps Retry-After and says Remaining 0', async () => {
      const limitedDir = tempDir();
      const limited = await bootService({ dataDir: limitedDir.path, env: { PRESENCE_RATE_LIMIT: '2' } });
      try {
        // Two a minute: one token comes back every 30 s, so nothing refills between these calls.
        const remaining: (string | null)[] = [];
        for (let i = 0; i < 2; i++) remaining.push((await limited.call('GET', '/v1/stats')).headers.get('ratelimit-remaining'));
        expect(remaining).toEqual(['1', '0']);
        const refused = await limited.call('GET', '/v1/stats');
        expectErrorShape(refused, 429, 'RATE_LIMITED');
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        expect({ limit: refused.headers.get('ratelimit-limit'), remaining: refused.headers.get('ratelimit-remaining') }).toEqual({ limit: '2', remaining: '0' });
      } finally {
        await limited.close();
        limitedDir.remove();
      }
    });
  });

  describe('failed API keys are throttled per source address', () => {
    it('300 bad-key requests in a row start getting 429 with Retry-After; a good key from another address is unaffected', async () => {
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 300; i++) {
        const answer = await fromAddress(port, '127.0.0.21', '/v1/stats', `amo_guess-${i}-00000000000000000000`);
        statuses.push(answer.status);
        retryAfter ??= answer.retryAfter;
      }
      // 100 failures a minute from one address, then 429 (a slow machine may refill a failure or two meanwhile).
      expect(statuses.slice(0, 100).every((s) => s === 401)).toBe(true);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(180);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect((await fromAddress(port, '127.0.0.22', '/v1/stats', ADMIN_TOKEN)).status).toBe(200);
      const upgradeFromThrottled = await upgrade(service.wsUrl, { token: 'amo_guess-x-00000000000000000000', localAddress: '127.0.0.21' });
      expect(upgradeFromThrottled).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    });

    it('300 bad-key upgrades in a row too', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 300; i++) statuses.push((await upgrade(service.wsUrl, { token: `amo_guess-${i}-00000000000000000000`, localAddress: '127.0.0.23' })).status);
      expect(statuses.slice(0, 100).every((s) => s === 401)).toBe(true);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(180);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      expect((await upgrade(service.wsUrl, { token: ADMIN_TOKEN, localAddress: '127.0.0.24' })).status).toBe(101);
    });
  });

  describe('the stream upgrade', () => {
    it('refuses with the JSON error shape and X-Request-Id, not text/html', async () => {
      const refused = await upgrade(service.wsUrl, { token: 'amo_wrong-key-000000000000000', headers: { 'x-request-id': 'ws-trace-1' } });
      expect(refused.status).toBe(401);
      expect(refused.headers['content-type']).toMatch(/^application\/json/);
      expect(refused.headers['x-request-id']).toBe('ws-trace-1');
      expect(refused.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String), requestId: 'ws-trace-1' } });
    });

    it('refuses a bad handshake with a good key as JSON 400', async () => {
      const answer = parseRaw((await rawExchange(port, `GET /v1/stream HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nSec-WebSocket-Version: 13\r\n\r\n`)).text);
      expect(answer).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', message: expect.stringMatching(/Sec-WebSocket-Key/) } } });
    });

    it('answers 101 with X-Request-Id and the key\'s RateLimit headers', async () => {
      const accepted = await upgrade(service.wsUrl, { token: ADMIN_TOKEN });
      expect(accepted.status).toBe(101);
      expect(accepted.headers['x-request-id']).toMatch(UUID);
      expect(accepted.headers['ratelimit-limit']).toBe('5000');
    });

    it('logs a client\'s protocol error at debug with a counter, not at ERROR with a stack', async () => {
      const socket = new WebSocket(`${service.wsUrl}/v1/stream`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      await new Promise((resolve) => socket.once('open', resolve));
      const output = captureOutput();
      try {
        const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
        // A masked frame with the reserved opcode 0x3: invalid for every server.
        (socket as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.from([0x83, 0x80, 0, 0, 0, 0]));
        expect(await closed).toBe(1002);
      } finally {
        output.restore();
      }
      expect(output.text()).not.toMatch(/WS_ERR|Invalid WebSocket frame|RangeError|WsAdapter/);
      const metrics = await service.call('GET', '/metrics', { token: null });
      expect(metrics.text).toMatch(/presence_stream_protocol_errors_total\{code="WS_ERR_INVALID_OPCODE"\} 1/);
    });
  });
});
