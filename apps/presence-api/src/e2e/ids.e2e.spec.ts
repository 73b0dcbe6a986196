import type { PresenceStore } from '@amo/presence-store';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PRESENCE_STORE } from '../store/store.providers';
import { bootService, type RunningService, StreamClient, tempDir } from './harness.spec-helper';

/**
 * Core's id rule at every HTTP boundary and on the stream, on both databases: before, a NUL in an id was a 500
 * on PostgreSQL (`invalid byte sequence for encoding "UTF8": 0x00`) and SQLite stored it, with control
 * characters and lone surrogates. Every bad id is now a 400 with the error shape, and nothing is stored.
 */
const POSTGRES_URL = process.env.PRESENCE_TEST_POSTGRES_URL;

/** [name, the id as a string, the id in a URL path]. A lone surrogate has no UTF-8 form: its path is the bytes an encoder would write (CESU-8). */
const BAD_IDS: [string, string, string][] = [
  ['NUL', 'a\u0000b', 'a%00b'],
  ['tab', 'a\tb', 'a%09b'],
  ['newline', 'a\nb', 'a%0Ab'],
  ['escape', 'a\u001b[31m', 'a%1B%5B31m'],
  ['DEL', 'a\u007f', 'a%7F'],
  ['C1 NEL', 'a\u0085', 'a%C2%85'],
  ['lone high surrogate', 'a\ud800', 'a%ED%A0%80'],
  ['lone low surrogate', '\udc00b', '%ED%B0%80b'],
  ['257 characters', 'x'.repeat(257), 'x'.repeat(257)],
];

/** Every route that takes a person id, account id, key id or key name, with the bad id in place. */
function requests(id: string, path: string): [string, string, unknown][] {
  return [
    ['GET', `/v1/presence/${path}`, undefined],
    ['POST', '/v1/presence/batch', { userIds: ['alice', id] }],
    ['POST', '/v1/availability', { userIds: [id] }],
    ['GET', `/v1/users/${path}/identities`, undefined],
    ['PUT', `/v1/users/${path}/identities`, { slack: 'U1' }],
    ['PUT', '/v1/users/alice/identities', { slack: id }],
    ['GET', `/v1/users/${path}/preferences`, undefined],
    ['PUT', `/v1/users/${path}/preferences`, { consent: true }],
    ['DELETE', `/v1/users/${path}`, undefined],
    ['GET', `/v1/users/${path}/export`, undefined],
    ['GET', `/v1/users/${path}/channels`, undefined],
    ['POST', '/v1/identities/batch', { people: [{ userId: id, identities: { slack: 'U2' } }] }],
    ['POST', '/v1/identities/batch', { people: [{ userId: 'bob', identities: { zoom: id } }] }],
    ['POST', '/v1/meetings/now', { userIds: [id] }],
    ['POST', '/v1/meetings/suggest', { userIds: [id], durationMinutes: 30, withinDays: 1, timeZone: 'UTC' }],
    ['POST', '/v1/api-keys', { name: id.length > 128 ? 'x'.repeat(129) : id, scopes: ['read'] }],
    ['DELETE', `/v1/api-keys/${path}`, undefined],
    // A query string has no way to carry a lone surrogate: its CESU-8 bytes arrive as the literal "%ED%A0%80".
    ...(isWellFormed(id) ? [['GET', `/v1/audit?userId=${path}`, undefined] as [string, string, unknown]] : []),
  ];
}

function isWellFormed(id: string): boolean {
  try {
    encodeURIComponent(id);
    return true;
  } catch {
    return false;
  }
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new DataSource({ type: 'postgres', url: POSTGRES_URL, poolSize: 1 });
  await admin.initialize();
  try {
    await admin.query(sql);
  } finally {
    await admin.destroy();
  }
}

describe.each(POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'])('ids follow core’s rule at every boundary on %s', (database) => {
  const dir = tempDir();
  const schema = `e2e_ids_${process.pid}_${randomBytes(4).toString('hex')}`;
  let service: RunningService;
  let store: PresenceStore;

  beforeAll(async () => {
    let env: Record<string, string> = {};
    if (database === 'postgres') {
      await adminQuery(`CREATE SCHEMA "${schema}"`);
      // The service's own DATABASE_URL, pointed at a fresh schema by the connection's search_path.
      env = { DATABASE_URL: `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}` };
    }
    service = await bootService({ dataDir: dir.path, env });
    store = service.app.get(PRESENCE_STORE);
  });

  afterAll(async () => {
    await service?.close();
    if (database === 'postgres') await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    dir.remove();
  });

  it.each(BAD_IDS)('answers 400 with the error shape for a %s id on every route, and stores nothing', async (_name, id, path) => {
    const keysBefore = (await store.apiKeys.list()).length;
    const answers: string[] = [];
    for (const [method, route, body] of requests(id, path)) {
      // JSON.stringify writes a lone surrogate as a \ud800 escape, which JSON.parse turns back into one.
      const response = await service.call(method, route, body === undefined ? {} : { raw: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const shaped = typeof response.body?.error?.code === 'string' && typeof response.body?.error?.message === 'string' && typeof response.body?.error?.requestId === 'string';
      answers.push(`${method} ${route.slice(0, 40)}: ${response.status}${shaped ? '' : ' (not the error shape)'}`);
    }
    expect(answers.filter((answer) => !/: 400$/.test(answer))).toEqual([]);
    expect(await store.identities.all()).toEqual([]);
    expect((await store.preferences.loadAll()).size).toBe(0);
    expect(await store.apiKeys.list()).toHaveLength(keysBefore);
    expect(await store.snapshots.count()).toBe(0);
  });

  it.each(BAD_IDS)('refuses a %s id in a stream subscribe frame with an error naming it, and keeps the connection', async (_name, id) => {
    const client = await StreamClient.open(service.wsUrl);
    client.send({ type: 'subscribe', userIds: ['alice', id] });
    const error = await client.next((m) => m.type === 'error');
    expect(error.error).toMatchObject({ code: 'INVALID_FRAME', message: expect.stringMatching(/^userIds\.1: user id must/) });
    await client.subscribe(['alice']);
    client.close();
  });

  it('takes the same ids when they are printable, astral characters included', async () => {
    const id = 'Zoë 山田 😀';
    expect((await service.call('PUT', `/v1/users/${encodeURIComponent(id)}/identities`, { body: { slack: 'U😀1' } })).status).toBe(200);
    const read = await service.call('GET', `/v1/users/${encodeURIComponent(id)}/identities`);
    expect(read.body).toEqual({ slack: 'U😀1' });
    expect(await store.identities.all()).toMatchObject([{ userId: id, platform: 'slack', accountId: 'U😀1' }]);
    expect((await service.call('DELETE', `/v1/users/${encodeURIComponent(id)}`)).status).toBe(204);
  });
});
