import { DELIVERY_IN_PROGRESS, deliveryKey, handleOnce } from '@amo/presence-adapter-kit';
import { eventually } from '@amo/presence-adapter-kit/testing';
import type { RedisLink } from '@amo/presence-cluster';
import type { WebhookReply } from '@amo/presence-core';
import { CredentialVault } from '@amo/presence-store';
import { KeyRateLimiter, rateLimitHeaders } from '../auth/rate-limiter';
import { createOAuthStates, createRateLimiter } from './shared-state';
import { disposeLink, keysUnder, openTestLinks, ThrowawayRedis } from '@amo/presence-cluster/testing';
import { RedisDeliveryLedger } from './shared-state.webhooks';

const url = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A clock the test moves. */
const testClock = (ms = Date.UTC(2026, 0, 5, 9)) => ({ ms, now() { return this.ms; } });

/** Deterministic pseudo-random numbers (mulberry32), so a failing sequence can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('shared state on Redis', () => {
  let links: RedisLink[];
  beforeEach(async () => {
    links = await openTestLinks(url, 'shared-state', 2);
  });
  afterEach(async () => {
    await links[1].close();
    await disposeLink(links[0]);
  });

  describe('per-key rate limits', () => {
    it('answer exactly as the in-memory limiter does, so the RateLimit-* headers are the same in a cluster', async () => {
      const clock = testClock();
      const memory = new KeyRateLimiter(7, clock);
      const shared = createRateLimiter({ name: 'api-key', perMinute: 7, clock, link: links[0] });
      const next = random(16);
      for (let step = 0; step < 400; step++) {
        const key = `key-${Math.floor(next() * 3)}`;
        const roll = next();
        if (roll < 0.6) {
          expect([step, rateLimitHeaders(await shared.take(key)), (await shared.take(key)).retryAfterSeconds]).toEqual([
            step,
            rateLimitHeaders(memory.take(key)),
            memory.take(key).retryAfterSeconds,
          ]);
        } else if (roll < 0.8) {
          expect([step, await shared.waitSeconds(key)]).toEqual([step, memory.waitSeconds(key)]);
        } else {
          clock.ms += Math.floor(next() * 15_000);
        }
      }
    });

    it('hold one budget per key across instances: what one instance took, another cannot', async () => {
      const clock = testClock();
      const [a, b] = links.map((link) => createRateLimiter({ name: 'api-key', perMinute: 4, clock, link }));
      await a.take('k');
      await b.take('k');
      await a.take('k');
      expect(await b.take('k')).toEqual({ limit: 4, remaining: 0, resetSeconds: 60, retryAfterSeconds: 0 });
      expect((await a.take('k')).retryAfterSeconds).toBe(15);
      await b.forget('k');
      expect((await a.take('k')).remaining).toBe(3);
    });

    it("fall back to the instance's own buckets while Redis is down, and share again once it is back", async () => {
      const redis = await ThrowawayRedis.start();
      const [own] = await openTestLinks(redis.url, 'outage', 1);
      const clock = testClock();
      const limiter = createRateLimiter({ name: 'api-key', perMinute: 2, clock, link: own });
      try {
        expect((await limiter.take('k')).remaining).toBe(1);
        await redis.stop();
        await eventually(() => !own.status().up, { what: 'the outage to be seen' });
        // The instance's own bucket: never an error, still a limit.
        expect(await limiter.take('k')).toMatchObject({ remaining: 1, retryAfterSeconds: 0 });
        expect(await limiter.take('k')).toMatchObject({ remaining: 0, retryAfterSeconds: 0 });
        expect((await limiter.take('k')).retryAfterSeconds).toBe(30);
        await redis.start();
        await eventually(() => own.status().up, { timeoutMs: 10_000, what: 'the link to come back' });
        // Back on the shared bucket (an empty Redis: full again).
        expect((await limiter.take('k')).remaining).toBe(1);
      } finally {
        await own.close();
        await redis.stop();
      }
    }, 20_000);
  });

  describe('OAuth states', () => {
    const vault = new CredentialVault(Buffer.alloc(32, 3));
    const entry = { platform: 'slack' as const, codeVerifier: 'verifier-secret', redirectUri: 'http://x/cb', client: { clientId: 'id', clientSecret: 'client-secret' } };

    it('are redeemed on another instance exactly once, bound to their platform and lifetime, and sealed in Redis', async () => {
      const clock = testClock();
      const [a, b] = links.map((link) => createOAuthStates({ clock, ttlMs: 600_000, link, vault }));
      const expiresAt = await a.put('state-1', entry);
      expect(expiresAt).toBe(clock.ms + 600_000);
      const [stored] = await links[0].commands.mget(links[0].key('oauth-state', 'state-1'));
      expect(stored).not.toContain('verifier-secret');
      expect(stored).not.toContain('client-secret');
      const takes = await Promise.all([b.take('state-1', 'slack'), a.take('state-1', 'slack'), b.take('state-1', 'slack')]);
      expect(takes.filter((taken) => taken !== undefined)).toEqual([{ ...entry, expiresAt }]);

      await a.put('state-2', entry);
      expect(await b.take('state-2', 'zoom')).toBeUndefined();
      expect(await a.take('state-2', 'slack')).toBeUndefined();
      await a.put('state-3', entry);
      clock.ms += 600_000;
      expect(await b.take('state-3', 'slack')).toBeUndefined();
      expect(await keysUnder(links[0])).toEqual([]);
    });

    it('are kept in memory while Redis is down, and redeemed on that instance', async () => {
      const redis = await ThrowawayRedis.start();
      const [own] = await openTestLinks(redis.url, 'oauth-outage', 1);
      const states = createOAuthStates({ clock: testClock(), ttlMs: 600_000, link: own, vault });
      try {
        await redis.stop();
        await eventually(() => !own.status().up, { what: 'the outage to be seen' });
        await states.put('offline', entry);
        expect(await states.take('offline', 'slack')).toMatchObject({ codeVerifier: 'verifier-secret' });
        expect(await states.take('offline', 'slack')).toBeUndefined();
      } finally {
        await own.close();
      }
    });
  });

  describe('webhook delivery claims', () => {
    const delivery = { method: 'POST' as const, headers: {}, query: {}, rawBody: Buffer.from('{"event_id":"Ev1"}') };

    it('apply a delivery once across instances; a retry to another instance gets the first reply', async () => {
      const [a, b] = links.map((link) => new RedisDeliveryLedger(link));
      const key = deliveryKey('slack', delivery);
      const reply: WebhookReply = { status: 200, body: Buffer.from('ok'), contentType: 'text/plain' };
      const applied: string[] = [];
      const first = await handleOnce(a, key, () => (applied.push('a'), reply));
      const retried = await handleOnce(b, key, () => (applied.push('b'), reply));
      expect(applied).toEqual(['a']);
      expect(first).toBe(reply);
      expect(retried).toEqual(reply);
      expect(await keysUnder(links[0])).toEqual([`webhook-delivery:${key}`]);
    });

    it('answer 503 to a retry while the first instance is still applying it, and forget a claim whose delivery was refused', async () => {
      const [a, b] = links.map((link) => new RedisDeliveryLedger(link));
      const key = deliveryKey('slack', delivery) as string;
      expect(await a.claim(key)).toEqual({ first: true });
      expect(await handleOnce(b, key, () => ({ status: 200, body: '' }))).toBe(DELIVERY_IN_PROGRESS);
      await a.release(key);
      expect(await handleOnce(b, key, () => ({ status: 401, body: 'invalid signature' }))).toMatchObject({ status: 401 });
      expect(await keysUnder(links[0])).toEqual([]);
    });

    it('let a claim pending on an instance that died expire, so the platform’s next retry is applied', async () => {
      const [a, b] = links.map((link) => new RedisDeliveryLedger(link, { pendingMs: 30, settledMs: 60_000 }));
      const key = deliveryKey('zoom', delivery) as string;
      expect(await a.claim(key)).toEqual({ first: true });
      await eventually(async () => (await b.claim(key)).first, { timeoutMs: 2_000, what: 'the pending claim to expire' });
    });
  });
});
