import { LinkedInEmulator } from '@amo/presence-adapter-linkedin/testing';
import { WhatsAppEmulator } from '@amo/presence-adapter-whatsapp/testing';
import type { RedisLink } from '@amo/presence-cluster';
import { keysUnder } from '@amo/presence-cluster/testing';
import { eventually, type RunningService } from '../e2e/harness.spec-helper';
import { ClusterPlace } from './cluster-place.spec-helper';

/** One webhook outcome's count from /metrics. */
async function webhookCount(service: RunningService, outcome: string): Promise<number> {
  const text = (await service.call('GET', '/metrics', { token: null })).text;
  const line = text.split('\n').find((l) => l.startsWith(`presence_webhooks_total{platform="whatsapp",outcome="${outcome}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * Two instances of the service in one Jest process, in cluster mode on the machine's PostgreSQL and Redis (one
 * schema and one key prefix for this test, removed afterwards): what H5 shares between instances holds whichever
 * instance a request reaches.
 */
describe('cluster shared state: two instances, one PostgreSQL schema, one Redis prefix', () => {
  const place = new ClusterPlace('shared');
  let whatsapp: WhatsAppEmulator;
  let linkedin: LinkedInEmulator;
  let a: RunningService;
  let b: RunningService;
  let link: RedisLink;

  beforeAll(async () => {
    whatsapp = await WhatsAppEmulator.start();
    linkedin = await LinkedInEmulator.start();
    const wa = whatsapp.credentials();
    const env = (id: string): Record<string, string> => ({
      ...place.env(id),
      PRESENCE_ENCRYPTION_KEY: Buffer.alloc(32, 21).toString('base64'),
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
    });
    ({ a, b, link } = await place.startPair(env));
  }, 120_000);

  afterAll(async () => {
    await place.close();
    await whatsapp?.close();
    await linkedin?.close();
  });

  it('lists both instances, with Redis up, in /health and /v1/platforms on either', async () => {
    // Each instance heartbeats every 2 s: the other's platforms show up within that.
    const health = await eventually(async () => {
      const body = (await b.call('GET', '/health', { token: null })).body;
      return body?.cluster?.instances?.every((instance: { platforms: object }) => 'whatsapp' in instance.platforms) ? body : undefined;
    }, 10_000);
    expect(health.status).toBe('ok');
    expect(health.cluster).toMatchObject({
      instance: { id: 'instance-b', role: 'all' },
      redis: { status: 'up' },
      instances: [
        { id: 'instance-a', role: 'all', platforms: { whatsapp: { state: 'up' } } },
        { id: 'instance-b', role: 'all', platforms: { whatsapp: { state: 'up' } } },
      ],
      platforms: { whatsapp: 'up' },
    });
    const platforms = (await a.call('GET', '/v1/platforms')).body;
    expect(platforms.cluster.instances.map((instance: { id: string }) => instance.id)).toEqual(['instance-a', 'instance-b']);
  });

  it("holds an API key's rate limit across instances: what it spent on one, the other counts", async () => {
    // A key of its own (the admin key's budget is spent by the other tests).
    const created = await a.call('POST', '/v1/api-keys', { body: { name: 'rate-test', scopes: ['read'] } });
    expect(created.status).toBe(201);
    const token = created.body.key as string;
    const answers = [];
    for (const service of [a, b, a, b, a, b]) answers.push(await service.call('GET', '/v1/users', { token }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get('ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0', '0']);
    expect(answers[5].headers.get('retry-after')).toBe('12');
  });

  it('completes on one instance an OAuth flow started on the other, exactly once', async () => {
    const start = await a.call('POST', '/v1/oauth/linkedin/start');
    expect(start.status).toBe(200);
    const consent = await fetch(start.body.authorizeUrl, { redirect: 'manual' });
    const callback = new URL(consent.headers.get('location') as string);
    expect(callback.origin).toBe(a.url);
    // The browser comes back through the load balancer, to the other instance.
    const onB = await fetch(`${b.url}${callback.pathname}${callback.search}`);
    expect(onB.status).toBe(200);
    expect(await onB.text()).toContain('linkedin is connected');
    const replayOnA = await fetch(callback);
    expect(replayOnA.status).toBe(400);
    expect(await replayOnA.text()).toContain('no longer valid');
  });

  it('applies a webhook delivery once when the platform retries it to the other instance', async () => {
    const body = JSON.stringify(whatsapp.webhooks.messagePayload({ from: '16505550001', text: 'hello' }));
    const [acceptedA, acceptedB] = [await webhookCount(a, 'accepted'), await webhookCount(b, 'accepted')];
    const first = await whatsapp.webhooks.deliver(`${a.url}/v1/webhooks/whatsapp`, body);
    const retry = await whatsapp.webhooks.deliver(`${b.url}/v1/webhooks/whatsapp`, body);
    expect(first.status).toBe(200);
    expect(retry).toEqual({ ...first, signature: 'valid' });
    expect(await webhookCount(a, 'accepted')).toBe(acceptedA + 1);
    expect(await webhookCount(b, 'accepted')).toBe(acceptedB);
    expect(await webhookCount(b, 'duplicate')).toBe(1);
    // A forged copy is refused and claims nothing; a new delivery is applied wherever it lands.
    expect((await whatsapp.webhooks.deliver(`${b.url}/v1/webhooks/whatsapp`, body.replace('hello', 'forged'), 'wrong-secret')).status).toBe(403);
    const next = JSON.stringify(whatsapp.webhooks.messagePayload({ from: '16505550001', text: 'again' }));
    expect((await whatsapp.webhooks.deliver(`${b.url}/v1/webhooks/whatsapp`, next)).status).toBe(200);
    expect(await webhookCount(b, 'accepted')).toBe(acceptedB + 1);
  });

  it('keeps nothing about a person in what it shares (rate limits, OAuth states, delivery claims) after an erase', async () => {
    await a.call('PUT', '/v1/users/erin/identities', { body: { whatsapp: '16505550002' } });
    await whatsapp.webhooks.deliver(`${a.url}/v1/webhooks/whatsapp`, JSON.stringify(whatsapp.webhooks.messagePayload({ from: '16505550002', text: 'x' })));
    expect((await b.call('DELETE', '/v1/users/erin')).status).toBeLessThan(300);
    const mine = (await keysUnder(link)).filter((key) => /^(rate|oauth-state|webhook-delivery):/.test(key));
    expect(mine.length).toBeGreaterThan(0);
    for (const key of mine) {
      expect(key).not.toMatch(/erin|16505550002/);
      const value = (await link.commands.type(link.prefix + key)) === 'string' ? await link.commands.get(link.prefix + key) : JSON.stringify(await link.commands.hgetall(link.prefix + key));
      expect(value).not.toMatch(/erin|16505550002/);
    }
  });
});
