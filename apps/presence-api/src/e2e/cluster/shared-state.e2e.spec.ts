import { LinkedInEmulator } from '@amo/presence-adapter-linkedin/testing';
import { WhatsAppEmulator } from '@amo/presence-adapter-whatsapp/testing';
import { eventually } from '../harness.spec-helper';
import { type ClusterInstance, TestCluster } from './cluster.spec-helper';

/** One webhook outcome's count from an instance's /metrics. */
async function webhookCount(instance: ClusterInstance, outcome: string): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`presence_webhooks_total{platform="whatsapp",outcome="${outcome}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * What the instances share besides presence, across real processes (the in-process variant is
 * src/cluster/shared-state.e2e.spec.ts): one API-key budget and revocation, OAuth state, webhook delivery claims, and the list of
 * live instances, from which a killed instance drops out within its heartbeat's TTL.
 */
describe('cluster: shared rate limits, OAuth state, webhook dedupe and instance list across two service processes', () => {
  let whatsapp: WhatsAppEmulator;
  let linkedin: LinkedInEmulator;
  let cluster: TestCluster;

  beforeAll(async () => {
    whatsapp = await WhatsAppEmulator.start();
    linkedin = await LinkedInEmulator.start();
    const wa = whatsapp.credentials();
    cluster = await TestCluster.start({
      instances: 2,
      name: 'shared',
      env: {
        PRESENCE_RATE_LIMIT: '5',
        WHATSAPP_API_KEY: wa.api_key,
        WHATSAPP_PHONE_NUMBER_ID: wa.phone_number_id,
        WHATSAPP_APP_SECRET: wa.app_secret,
        WHATSAPP_VERIFY_TOKEN: wa.verify_token,
        WHATSAPP_GRAPH_BASE_URL: whatsapp.graphBaseUrl,
        LINKEDIN_CLIENT_ID: linkedin.clientId,
        LINKEDIN_CLIENT_SECRET: linkedin.clientSecret,
        LINKEDIN_OAUTH_BASE_URL: linkedin.oauthBaseUrl,
        LINKEDIN_API_BASE_URL: linkedin.apiBaseUrl,
      },
    });
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    await whatsapp?.close();
    await linkedin?.close();
  });

  it("holds an API key's rate limit across instances", async () => {
    const [zero, one] = cluster.instances;
    const created = await zero.call('POST', '/v1/api-keys', { body: { name: 'cluster-rate', scopes: ['read'] } });
    expect(created.status).toBe(201);
    const token = created.body.key as string;
    const answers = [];
    for (const instance of [zero, one, zero, one, zero, one]) answers.push(await instance.call('GET', '/v1/users', { token }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get('ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0', '0']);
  });

  it('refuses a key on every instance as soon as one instance revokes it', async () => {
    const [zero, one] = cluster.instances;
    const created = await zero.call('POST', '/v1/api-keys', { body: { name: 'cluster-revoke', scopes: ['read'] } });
    const token = created.body.key as string;
    // Verified on instance one, and held there (it would be checked against the store again only after a minute).
    expect((await one.call('GET', '/v1/users', { token })).status).toBe(200);
    expect((await zero.call('DELETE', `/v1/api-keys/${created.body.apiKey.id}`)).status).toBe(204);
    // The revocation crosses on the change bus: milliseconds, not the minute until the next check.
    await eventually(async () => (await one.call('GET', '/v1/users', { token })).status === 401, 2_000, 25);
  });

  it('completes on one instance an OAuth flow started on the other, once', async () => {
    const [zero, one] = cluster.instances;
    const start = await zero.call('POST', '/v1/oauth/linkedin/start');
    expect(start.status).toBe(200);
    const consent = await fetch(start.body.authorizeUrl, { redirect: 'manual' });
    const callback = new URL(consent.headers.get('location') as string);
    const onOne = await fetch(`${one.url}${callback.pathname}${callback.search}`);
    expect(onOne.status).toBe(200);
    expect(await onOne.text()).toContain('linkedin is connected');
    const replay = await fetch(callback);
    expect(replay.status).toBe(400);
  });

  it('applies a webhook delivery once when it is retried to the other instance', async () => {
    const [zero, one] = cluster.instances;
    const body = JSON.stringify(whatsapp.webhooks.messagePayload({ from: '16505550077', text: 'hi' }));
    const before = { zero: await webhookCount(zero, 'accepted'), one: await webhookCount(one, 'accepted') };
    const first = await whatsapp.webhooks.deliver(`${zero.url}/v1/webhooks/whatsapp`, body);
    const retry = await whatsapp.webhooks.deliver(`${one.url}/v1/webhooks/whatsapp`, body);
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.text).toBe(first.text);
    expect(await webhookCount(zero, 'accepted')).toBe(before.zero + 1);
    expect(await webhookCount(one, 'accepted')).toBe(before.one);
    expect(await webhookCount(one, 'duplicate')).toBe(1);
  });

  it('lists both instances in /health, and drops one that was killed (SIGKILL) within its 15 s heartbeat TTL', async () => {
    const [zero, one] = cluster.instances;
    const ids = async (): Promise<string[]> => ((await one.call('GET', '/health', { token: null })).body.cluster.instances as { id: string }[]).map((i) => i.id);
    expect(await ids()).toEqual([zero.id, one.id]);
    await zero.kill();
    expect(await eventually(async () => ((await ids()).length === 1 ? await ids() : undefined), 20_000, 250)).toEqual([one.id]);
    expect((await one.call('GET', '/health', { token: null })).body).toMatchObject({ status: 'ok', cluster: { redis: { status: 'up' } } });
  }, 40_000);
});
