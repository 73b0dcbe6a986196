import { GraphEmulator } from '@amo/presence-adapter-teams/testing';
import { PresenceAggregator } from '@amo/presence-core';
import { bootService, eventually, type RunningService, tempDir } from './harness.spec-helper';

const teamsId = (index: number): string => `22222222-3333-4444-8555-${String(index).padStart(12, '0')}`;

describe('POST /v1/identities/batch: many people linked in one transaction, all or nothing', () => {
  const dir = tempDir();
  let graph: GraphEmulator;
  let service: RunningService;
  const subscriptionPosts = (): number => graph.server.requestsTo('/v1.0/subscriptions', 'POST').length;

  beforeAll(async () => {
    graph = await GraphEmulator.start();
    graph.addUsers(Array.from({ length: 40 }, (_, index) => teamsId(index)));
    service = await bootService({
      dataDir: dir.path,
      env: { GRAPH_API_BASE_URL: graph.url, MICROSOFT_LOGIN_BASE_URL: graph.url, PRESENCE_POLL_INTERVAL: '60' },
    });
    const delegated = graph.issueDelegatedToken();
    const { graph_base_url: _g, login_base_url: _l, ...app } = graph.credentials();
    const credentials = { ...app, delegated_access_token: delegated.accessToken, delegated_refresh_token: delegated.refreshToken, delegated_expires_at: delegated.expiresAt };
    expect((await service.call('POST', '/v1/platforms/teams/connect', { body: { credentials } })).status).toBe(200);
  });

  afterAll(async () => {
    await service?.close();
    await graph?.close();
    dir.remove();
  });

  const batch = (people: unknown, token?: string | null) => service.call('POST', '/v1/identities/batch', { body: { people }, token });
  const identities = async (userId: string) => (await service.call('GET', `/v1/users/${userId}/identities`)).body;

  it('links every person, shows the new accounts as linked with no data, and replaces the Graph subscription once for the whole batch', async () => {
    const people = Array.from({ length: 20 }, (_, index) => ({ userId: `p${index}`, identities: { teams: teamsId(index), slack: `U-P${index}` } }));
    const before = subscriptionPosts();
    const refreshes = jest.spyOn(service.app.get(PresenceAggregator), 'refreshTracking');

    const answer = await batch(people);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ linked: 20, people });
    expect(await identities('p7')).toEqual({ teams: teamsId(7), slack: `U-P7` });
    const presence = (await service.call('GET', '/v1/presence/p7')).body;
    expect(presence.platforms.teams).toMatchObject({ status: 'unknown', lastUpdated: null });
    // One tracked-id refresh per batch (each costs O(people linked)), and one new subscription covering the twenty.
    await eventually(() => graph.subscriptions().some((subscription) => subscription.userIds.has(teamsId(19))), 10_000);
    expect(refreshes).toHaveBeenCalledTimes(1);
    refreshes.mockRestore();
    expect(subscriptionPosts() - before).toBe(1);
    // The new accounts join the sweep that the batch brought forward.
    await eventually(async () => (await service.call('GET', '/v1/presence/p7')).body.platforms.teams.lastUpdated !== null, 10_000);
  });

  it('answers 409 naming each failing person, and changes nothing at all', async () => {
    expect((await service.call('PUT', '/v1/users/owner/identities', { body: { slack: 'U-OWNED' } })).status).toBe(200);
    const answer = await batch([
      { userId: 'q0', identities: { teams: teamsId(30) } },
      { userId: 'q1', identities: { slack: 'U-OWNED' } },
      { userId: 'q2', identities: { zoom: 'z-shared' } },
      { userId: 'q3', identities: { zoom: 'z-shared' } },
      { userId: 'p1', identities: { slack: 'U-P2' } },
    ]);

    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('CONFLICT');
    expect(answer.body.error.details).toEqual([
      { path: 'body.people.1.identities.slack', message: 'q1: slack account U-OWNED is already linked to another person' },
      { path: 'body.people.3.identities.zoom', message: expect.stringMatching(/^q3: zoom account z-shared is also requested for q2/) },
      { path: 'body.people.4.identities.slack', message: 'p1: slack account U-P2 is already linked to another person' },
    ]);
    for (const userId of ['q0', 'q1', 'q2', 'q3']) expect(await identities(userId)).toEqual({});
    expect(await identities('p1')).toEqual({ teams: teamsId(1), slack: 'U-P1' });
  });

  it('refuses more than 1,000 people, or none, with 400 before touching anything', async () => {
    const many = Array.from({ length: 1001 }, (_, index) => ({ userId: `r${index}`, identities: { zoom: `z-r${index}` } }));
    const tooMany = await batch(many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/at most 1000 people/);
    expect(await identities('r0')).toEqual({});
    expect((await batch([])).status).toBe(400);
    expect((await batch([{ userId: 's0', identities: { myspace: 'x' } }])).status).toBe(400);
  });

  it('needs the write scope, like PUT /v1/users/{userId}/identities', async () => {
    const reader = (await service.call('POST', '/v1/api-keys', { body: { name: 'batch-reader', scopes: ['read'] } })).body.key as string;
    const people = [{ userId: 't0', identities: { zoom: 'z-t0' } }];
    expect((await batch(people, null)).status).toBe(401);
    expect((await batch(people, reader)).status).toBe(403);
    expect(await identities('t0')).toEqual({});
  });

  it('is documented in the OpenAPI document', async () => {
    const docs = (await service.call('GET', '/docs-json', { token: null })).body;
    expect(docs.paths['/v1/identities/batch'].post.responses).toEqual(expect.objectContaining({ 200: expect.anything(), 409: expect.anything() }));
  });
});
