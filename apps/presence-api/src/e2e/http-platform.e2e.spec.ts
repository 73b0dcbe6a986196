import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { gzipSync } from 'node:zlib';
import { bootService, emulatorEnv, type RunningService, tempDir } from './harness.spec-helper';

/**
 * What the service promised before it moved from Express to Fastify (issue 13), where Fastify's defaults
 * differ: routing (case, trailing slash), body-parser's JSON rules, bodies bounded after decoding, and a URL
 * that cannot be decoded answered as a 400 in the error shape.
 */
describe('the HTTP platform keeps the contract', () => {
  const dir = tempDir();
  let zoom: ZoomEmulator;
  let service: RunningService;

  beforeAll(async () => {
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-alice', status: 'Available' }] });
    service = await bootService({ dataDir: dir.path, env: emulatorEnv.zoom(zoom), tuning: { bodyLimitBytes: 64 * 1024 } });
    await service.call('PUT', '/v1/users/alice/identities', { body: { zoom: 'zoom-alice' } });
  });

  afterAll(async () => {
    await service?.close();
    await zoom?.close();
    dir.remove();
  });

  it('routes as before: a trailing slash and the case of the path do not matter, a parameter keeps its case', async () => {
    for (const path of ['/v1/presence/alice/', '/V1/Presence/alice']) {
      const answer = await service.call('GET', path);
      expect({ path, status: answer.status, userId: answer.body?.userId }).toEqual({ path, status: 200, userId: 'alice' });
    }
    expect((await service.call('GET', '/v1/presence/ALICE')).status).toBe(404);
    const head = await service.call('HEAD', '/v1/presence/alice');
    expect({ status: head.status, text: head.text }).toEqual({ status: 200, text: '' });
  });

  it('a path that cannot be decoded is a 400 in the error shape, with the request id', async () => {
    const answer = await service.call('GET', '/v1/presence/%E0%A4%A', { headers: { 'x-request-id': 'bad-url-1' } });
    expect({ status: answer.status, code: answer.body?.error?.code, requestId: answer.body?.error?.requestId, header: answer.headers.get('x-request-id') }).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      requestId: 'bad-url-1',
      header: 'bad-url-1',
    });
  });

  it("keeps body-parser's JSON rules: only an object or array at the top, empty is {}, UTF charsets only", async () => {
    const json = { 'content-type': 'application/json' };
    const primitive = await service.call('POST', '/v1/availability', { raw: '"alice"', headers: json });
    expect({ status: primitive.status, code: primitive.body?.error?.code }).toEqual({ status: 400, code: 'MALFORMED_JSON' });
    const empty = await service.call('POST', '/v1/availability', { raw: '', headers: json });
    expect({ status: empty.status, code: empty.body?.error?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    const latin1 = await service.call('POST', '/v1/availability', { raw: '{"userIds":["alice"]}', headers: { 'content-type': 'application/json; charset=latin1' } });
    expect({ status: latin1.status, code: latin1.body?.error?.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const utf16 = await service.call('POST', '/v1/availability', {
      raw: Buffer.from('{"userIds":["alice"]}', 'utf16le'),
      headers: { 'content-type': 'application/json; charset=utf-16le' },
    });
    expect({ status: utf16.status, body: utf16.body }).toEqual({ status: 200, body: { availability: { alice: expect.any(Boolean) } } });
  });

  it('bounds a body after decoding it: a small gzip that inflates past the limit is 413', async () => {
    const bomb = gzipSync(JSON.stringify({ userIds: ['alice'], pad: ' '.repeat(200 * 1024) }));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const answer = await service.call('POST', '/v1/availability', { raw: bomb, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});
