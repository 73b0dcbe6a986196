import { presenceBatchResponse } from '@amo/presence-contract';
import { bootService, type RunningService, tempDir } from './harness.spec-helper';

describe('POST /v1/presence/batch: many presence documents in one call, from the cache', () => {
  const dir = tempDir();
  let service: RunningService;
  let reader: string;
  let checker: string;

  beforeAll(async () => {
    // Three requests a minute per key: a 1,000-id read must cost one of them, not 1,000.
    service = await bootService({ dataDir: dir.path, env: { PRESENCE_RATE_LIMIT: '3' } });
    const linked = await service.call('POST', '/v1/identities/batch', {
      body: { people: [{ userId: 'alice', identities: { slack: 'U-ALICE', zoom: 'z-alice' } }, { userId: 'bob', identities: { whatsapp: '15550001' } }] },
    });
    expect(linked.status).toBe(200);
    const created = await service.call('POST', '/v1/api-keys', { body: { name: 'reader', scopes: ['read'] } });
    expect(created.status).toBe(201);
    reader = created.body.key;
    checker = (await service.call('POST', '/v1/api-keys', { body: { name: 'checker', scopes: ['read'] } })).body.key;
  });

  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it('answers the same document as GET /v1/presence/{userId} for each known person and lists the others', async () => {
    const ids = ['alice', 'nobody', 'bob', 'alice', ...Array.from({ length: 996 }, (_, index) => `ghost-${index}`)];
    const answer = await service.call('POST', '/v1/presence/batch', { body: { userIds: ids }, token: reader });
    expect(answer.status).toBe(200);
    expect(presenceBatchResponse.safeParse(answer.body).success).toBe(true);
    expect(Object.keys(answer.body.presences).sort()).toEqual(['alice', 'bob']);
    expect(answer.body.notFound).toHaveLength(997);
    expect(answer.body.notFound.slice(0, 2)).toEqual(['nobody', 'ghost-0']);
    // "linked, no data": the accounts are listed with lastUpdated null until their first reading.
    expect(answer.body.presences.bob.platforms.whatsapp).toMatchObject({ status: 'unknown', lastUpdated: null, stale: true });

    const single = await service.call('GET', '/v1/presence/alice', { token: reader });
    expect(answer.body.presences.alice).toEqual(single.body);
  });

  it('counts one request against the key however many people it names', async () => {
    const big = { userIds: Array.from({ length: 1000 }, (_, index) => `p${index}`) };
    // Two calls made above with this key (the batch and the single read) and this one: three of three.
    expect((await service.call('POST', '/v1/presence/batch', { body: big, token: reader })).status).toBe(200);
    const over = await service.call('POST', '/v1/presence/batch', { body: big, token: reader });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('checks scope and input like every read', async () => {
    expect((await service.call('POST', '/v1/presence/batch', { body: { userIds: ['alice'] }, token: null })).status).toBe(401);
    const empty = await service.call('POST', '/v1/presence/batch', { body: { userIds: [] }, token: checker });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');
    const tooMany = await service.call('POST', '/v1/presence/batch', { body: { userIds: Array.from({ length: 1001 }, (_, index) => `p${index}`) }, token: checker });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/at most 1000/);
  });
});
