import { errorFromResponse, PresenceApiError, retryAfterMs } from './errors';

const NOW = Date.parse('2026-12-01T10:00:00Z');

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(retryAfterMs('3', NOW)).toBe(3000);
    expect(retryAfterMs('Tue, 01 Dec 2026 10:00:05 GMT', NOW)).toBe(5000);
    expect(retryAfterMs('Tue, 01 Dec 2026 09:00:00 GMT', NOW)).toBe(0);
    expect(retryAfterMs(null, NOW)).toBeUndefined();
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
  });
});

describe('errorFromResponse', () => {
  it('carries the error body, the request id and, on a 429, the wait', async () => {
    const body = { error: { code: 'RATE_LIMITED', message: 'slow down', requestId: 'req-1' } };
    const error = await errorFromResponse(new Response(JSON.stringify(body), { status: 429, headers: { 'retry-after': '2' } }), NOW);
    expect(error).toBeInstanceOf(PresenceApiError);
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', message: 'slow down', requestId: 'req-1', retryAfterMs: 2000 });
  });

  it('keeps validation details', async () => {
    const details = [{ path: 'body.userIds', message: 'userIds must name at least one person' }];
    const response = new Response(JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: 'invalid', details, requestId: 'r' } }), { status: 400 });
    expect(await errorFromResponse(response, NOW)).toMatchObject({ code: 'VALIDATION_FAILED', details });
  });

  it('names a non-JSON answer by its status and takes the request id from the header', async () => {
    const response = new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'x-request-id': 'edge-7' } });
    const error = await errorFromResponse(response, NOW);
    expect(error).toMatchObject({ status: 502, code: 'HTTP_502', message: '<html>bad gateway</html>', requestId: 'edge-7' });
    expect(error.retryAfterMs).toBeUndefined();
  });
});
