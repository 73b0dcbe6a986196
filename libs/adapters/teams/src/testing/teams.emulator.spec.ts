import { certificateBase64Der } from '../teams.crypto';
import { ManualClock } from '../__fixtures__/manual-clock';
import { GraphEmulator } from './teams.emulator';
import { GRAPH_TEST_CERTIFICATE_PEM } from './graph-test-certificate';

async function appToken(emulator: GraphEmulator, overrides: Record<string, string> = {}): Promise<Response> {
  const { tenantId, clientId, clientSecret } = emulator.tenant;
  const form = new URLSearchParams({ client_id: clientId, client_secret: clientSecret, scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials', ...overrides });
  return fetch(`${emulator.url}/${overrides['tenant'] ?? tenantId}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
}

function graph(emulator: GraphEmulator, token: string, method: string, path: string, json?: unknown): Promise<Response> {
  return fetch(`${emulator.url}/v1.0${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json) });
}

describe('GraphEmulator', () => {
  let emulator: GraphEmulator;
  const clock = new ManualClock();

  beforeEach(async () => {
    emulator = await GraphEmulator.start({ clock, budget: { limit: 3, windowMs: 30_000 } });
  });
  afterEach(() => emulator.close());

  it('issues client-credentials tokens and refuses bad secrets, tenants and scopes in the identity platform shape', async () => {
    const ok = await appToken(emulator);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599, access_token: expect.any(String) });
    const badSecret = await appToken(emulator, { client_secret: 'nope' });
    expect(badSecret.status).toBe(401);
    expect(await badSecret.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect((await appToken(emulator, { tenant: 'unknown.example.com' })).status).toBe(400);
    expect(await (await appToken(emulator, { scope: 'Presence.Read.All' })).json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('expires issued tokens on demand (401 InvalidAuthenticationToken, a new token works) and revokes the app (invalid_client until restored)', async () => {
    const [alice] = emulator.addUsers(1);
    const first = ((await (await appToken(emulator)).json()) as { access_token: string }).access_token;
    emulator.expireTokens();
    const expired = await graph(emulator, first, 'GET', `/users/${alice}/presence`);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } });
    const second = ((await (await appToken(emulator)).json()) as { access_token: string }).access_token;
    expect((await graph(emulator, second, 'GET', `/users/${alice}/presence`)).status).toBe(200);
    emulator.revokeApp();
    expect((await graph(emulator, second, 'GET', `/users/${alice}/presence`)).status).toBe(401);
    const refused = await appToken(emulator);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    emulator.restoreApp();
    expect((await appToken(emulator)).status).toBe(200);
  });

  it('serves getPresencesByUserId with the 650-id cap, unknown ids omitted, 401 without a token', async () => {
    const [alice, bob] = emulator.addUsers(2);
    emulator.setPresence(bob, { availability: 'Busy', activity: 'InAMeeting', statusMessage: '<b>Demo</b>', statusMessageType: 'html' });
    const { access_token: token } = (await (await appToken(emulator)).json()) as { access_token: string };
    const unknown = '66825e03-7ef5-42da-9069-724602c31f6b';
    const answer = await graph(emulator, token, 'POST', '/communications/getPresencesByUserId', { ids: [alice, bob, unknown] });
    const body = (await answer.json()) as { value: Array<Record<string, unknown>> };
    expect(body.value.map((p) => p['id'])).toEqual([alice, bob]);
    expect(body.value[1]).toMatchObject({ availability: 'Busy', activity: 'InAMeeting', statusMessage: { message: { content: '<b>Demo</b>', contentType: 'html' } } });
    expect(String(body.value[1]['sequenceNumber']) > String(body.value[0]['sequenceNumber'])).toBe(true);
    const tooMany = Array.from({ length: 651 }, () => alice);
    expect((await graph(emulator, token, 'POST', '/communications/getPresencesByUserId', { ids: tooMany })).status).toBe(400);
    expect((await graph(emulator, 'forged', 'POST', '/communications/getPresencesByUserId', { ids: [alice] })).status).toBe(401);
  });

  it('counts the per-tenant budget and answers 429 with Retry-After in Graph shape', async () => {
    const [alice] = emulator.addUsers(1);
    const { access_token: token } = (await (await appToken(emulator)).json()) as { access_token: string };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await graph(emulator, token, 'GET', `/users/${alice}/presence`)).status);
    const refused = await graph(emulator, token, 'POST', '/communications/getPresencesByUserId', { ids: [alice] });
    expect([...statuses, refused.status]).toEqual([200, 200, 200, 429, 429]);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.json()).toMatchObject({ error: { code: 'TooManyRequests' } });
    expect(emulator.overBudgetCount(emulator.tenant.tenantId)).toBe(2);
    await clock.advance(30_000);
    expect((await graph(emulator, token, 'GET', `/users/${alice}/presence`)).status).toBe(200);
  });

  it('answers 403 Authorization_RequestDenied when the application permission is withdrawn', async () => {
    const [alice] = emulator.addUsers(1);
    emulator.setPresencePermission(false);
    const { access_token: token } = (await (await appToken(emulator)).json()) as { access_token: string };
    const denied = await graph(emulator, token, 'POST', '/communications/getPresencesByUserId', { ids: [alice] });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { code: 'Authorization_RequestDenied' } });
  });

  it('refuses app-only subscriptions, fails creation when the handshake is not echoed, and expires subscriptions', async () => {
    const [alice] = emulator.addUsers(1);
    const { access_token: app } = (await (await appToken(emulator)).json()) as { access_token: string };
    const user = emulator.issueDelegatedToken();
    const body = (notificationUrl: string, minutes = 30) => ({
      changeType: 'updated',
      resource: `/communications/presences?$filter=id in ('${alice}')`,
      notificationUrl,
      expirationDateTime: new Date(clock.now() + minutes * 60_000).toISOString(),
      clientState: 'secret',
    });
    expect((await graph(emulator, app, 'POST', '/subscriptions', body(`${emulator.url}/nowhere`))).status).toBe(403);
    // The emulator's own 404 for an unknown path is not an echo of the token.
    const failed = await graph(emulator, user.accessToken, 'POST', '/subscriptions', body(`${emulator.url}/nowhere`));
    expect(failed.status).toBe(400);
    expect(await failed.json()).toMatchObject({ error: { code: 'ValidationError' } });
    expect((await graph(emulator, user.accessToken, 'POST', '/subscriptions', body('https://x', 61))).status).toBe(400);
    // A subscriber that echoes: the emulator's token route echoes nothing, so use a tiny echo route.
    emulator.server.route('POST', '/echo', (req) => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: req.query['validationToken'] ?? '' }));
    const created = await graph(emulator, user.accessToken, 'POST', '/subscriptions', {
      ...body(`${emulator.url}/echo`),
      includeResourceData: true,
      encryptionCertificate: certificateBase64Der(GRAPH_TEST_CERTIFICATE_PEM),
      encryptionCertificateId: 'cert-1',
    });
    expect(created.status).toBe(201);
    const sub = (await created.json()) as { id: string };
    expect((await graph(emulator, user.accessToken, 'PATCH', `/subscriptions/${sub.id}`, { expirationDateTime: new Date(clock.now() + 50 * 60_000).toISOString() })).status).toBe(200);
    expect((await graph(emulator, emulator.issueDelegatedToken().accessToken, 'DELETE', `/subscriptions/${sub.id}`)).status).toBe(403);
    await clock.advance(51 * 60_000);
    expect(emulator.subscriptions()).toHaveLength(0);
    expect((await graph(emulator, user.accessToken, 'PATCH', `/subscriptions/${sub.id}`, { expirationDateTime: new Date(clock.now() + 10 * 60_000).toISOString() })).status).toBe(404);
  });

  it('allows one presence subscription per signed-in user per application: a second answers 409 Conflict until the first is deleted', async () => {
    const [alice, bob] = emulator.addUsers(2);
    emulator.server.route('POST', '/echo', (req) => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: req.query['validationToken'] ?? '' }));
    const body = (id: string) => ({
      changeType: 'updated',
      resource: `/communications/presences?$filter=id in ('${id}')`,
      notificationUrl: `${emulator.url}/echo`,
      expirationDateTime: new Date(clock.now() + 30 * 60_000).toISOString(),
      clientState: 'secret',
    });
    const user = emulator.issueDelegatedToken();
    const first = await graph(emulator, user.accessToken, 'POST', '/subscriptions', body(alice));
    expect(first.status).toBe(201);
    // Other ids do not help: the rule is per user and application, not per resource.
    const second = await graph(emulator, user.accessToken, 'POST', '/subscriptions', body(bob));
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: 'ExtensionError', message: expect.stringContaining('A subscription already exists. It must be deleted before another can be made') } });
    // Another signed-in user of the same application may hold their own.
    expect((await graph(emulator, emulator.issueDelegatedToken().accessToken, 'POST', '/subscriptions', body(bob))).status).toBe(201);
    const listed = (await (await graph(emulator, user.accessToken, 'GET', '/subscriptions')).json()) as { value: Array<{ id: string }> };
    expect(listed.value).toHaveLength(1);
    expect((await graph(emulator, user.accessToken, 'DELETE', `/subscriptions/${listed.value[0].id}`)).status).toBe(204);
    expect((await graph(emulator, user.accessToken, 'POST', '/subscriptions', body(bob))).status).toBe(201);
  });
});
