import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { activeResources, connectionsAfterClose, leaksAfterClose } from '@amo/presence-adapter-kit/testing';
import { ZoomEmulator } from './testing';
import { createZoomAdapter, type ZoomAdapter, zoomBudgetSpec } from './zoom.adapter';
import { ZoomSdkKeyOnlyError } from './zoom.credentials';

/**
 * Fake time for one caller at a time: `now` moves only when the test says so or when the code under test
 * waits, and a wait ends at once with the clock moved forward by its length.
 */
function steppingClock(start: number) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    setTimeout: (callback: () => void, ms: number) =>
      setImmediate(() => {
        now += ms;
        callback();
      }),
    clearTimeout: (handle: unknown) => clearImmediate(handle as NodeJS.Immediate),
  };
}

const START = Date.parse('2026-03-02T10:00:00Z');

describe('createZoomAdapter against the emulator', () => {
  let clock: ReturnType<typeof steppingClock>;
  let zoom: ZoomEmulator;
  let adapter: ZoomAdapter;

  beforeEach(async () => {
    clock = steppingClock(START);
    zoom = await ZoomEmulator.start({
      clock,
      users: [
        { id: 'u1', email: 'ada@example.com', status: 'Available' },
        { id: 'u2', status: 'Do_Not_Disturb', endTime: '2026-03-02T10:45:00Z', remainingTime: 45 },
        { id: 'u3', status: 'Thinking_Hard' },
      ],
    });
    adapter = createZoomAdapter(
      { credentials: zoom.credentials, apiBaseUrl: zoom.apiBaseUrl, oauthBaseUrl: zoom.oauthBaseUrl },
      { clock },
    );
  });

  afterEach(async () => {
    await adapter.close();
    await zoom.close();
  });

  it('connects by fetching an account_credentials token with Basic auth, params in the query', async () => {
    await adapter.connect();
    const [request] = zoom.tokenRequests();
    expect(request.query).toEqual({ grant_type: 'account_credentials', account_id: zoom.accountId });
    expect(request.headers.authorization).toMatch(/^Basic /);
    expect(zoom.presenceRequests()).toHaveLength(0);
  });

  it('reads presence, normalizes it, turns a timed DND into expiresAt and reports unknown ids', async () => {
    const { records, notFound } = await adapter.fetchPresence(['u1', 'u2', 'u3', 'ghost', 'u1']);
    const byId = Object.fromEntries(records.map((r) => [r.accountId, r]));
    expect(byId.u1).toMatchObject({ platform: 'zoom', status: 'online', rawStatus: 'Available', unrecognized: false });
    expect(byId.u1.observedAt).toEqual(new Date(START));
    expect(byId.u2).toMatchObject({ status: 'busy', activity: 'Do not disturb', expiresAt: new Date('2026-03-02T10:45:00Z') });
    expect(byId.u3).toMatchObject({ status: 'unknown', unrecognized: true, rawStatus: 'Thinking_Hard' });
    expect(records).toHaveLength(3);
    expect(notFound).toEqual(['ghost']);
    expect(zoom.presenceRequests().map((r) => r.path)).toHaveLength(4);
  });

  it('reads by email too', async () => {
    const { records } = await adapter.fetchPresence(['ada@example.com']);
    expect(records[0]).toMatchObject({ accountId: 'ada@example.com', status: 'online' });
  });

  it('fetches a new token before the old one expires (one hour, no refresh token)', async () => {
    await adapter.fetchPresence(['u1']);
    clock.advance(3600_000 - 61_000);
    await adapter.fetchPresence(['u1']);
    expect(zoom.tokenRequests()).toHaveLength(1);
    clock.advance(2_000); // 59 s left: inside the refresh margin, still valid at Zoom
    await adapter.fetchPresence(['u1']);
    expect(zoom.tokenRequests()).toHaveLength(2);
    const tokens = new Set(zoom.presenceRequests().map((r) => r.headers.authorization));
    expect(tokens.size).toBe(2);
    expect(zoom.presenceRequests().every((r) => r.outcome === 'route')).toBe(true);
  });

  it('gets a new token once when Zoom revokes the current one', async () => {
    await adapter.fetchPresence(['u1']);
    zoom.revokeTokens();
    const { records } = await adapter.fetchPresence(['u1']);
    expect(records).toHaveLength(1);
    expect(zoom.tokenRequests()).toHaveLength(2);
  });

  it('waits out a 429 storm for Retry-After on its clock, then reads', async () => {
    zoom.rateLimitStorm(2, 2);
    const { records } = await adapter.fetchPresence(['u1']);
    expect(records).toHaveLength(1);
    expect(clock.now() - START).toBeGreaterThanOrEqual(4000);
    expect(adapter.health?.().retries).toBe(2);
  });

  it('reads X-RateLimit-* and pauses the account bucket when Zoom says nothing remains', async () => {
    const budgets = new RateBudgetRegistry(clock);
    const tight = await ZoomEmulator.start({ clock, rateLimit: { limit: 1, windowMs: 1000 }, users: [{ id: 'u1', status: 'Away' }] });
    const local = createZoomAdapter(
      { credentials: tight.credentials, apiBaseUrl: tight.apiBaseUrl, oauthBaseUrl: tight.oauthBaseUrl, rateBudget: { limit: 50, windowMs: 1000 } },
      { clock, budgets },
    );
    try {
      await local.fetchPresence(['u1']);
      expect(local.rateLimitInfo()).toMatchObject({ category: 'Medium', type: 'QPS', limit: 1, remaining: 0 });
      const bucket = budgets.get(zoomBudgetSpec(tight.accountId).bucket);
      expect(bucket?.pausedUntil()).toBe(clock.now() + 1000);
      await local.fetchPresence(['u1']);
      expect(tight.server.overBudgetCount()).toBe(0);
    } finally {
      await local.close();
      await tight.close();
    }
  });

  it('declares a per-account budget and health', () => {
    expect(adapter.capabilities).toMatchObject({
      freshness: 'poll',
      poll: true,
      batchSize: 1,
      idsPerMinute: 600,
      rateBudgets: [{ bucket: `zoom:medium:${zoom.accountId}`, limit: 10, windowMs: 1000 }],
    });
    expect(adapter.health?.()).toMatchObject({ breaker: 'closed', retries: 0 });
  });

  it('rejects wrong client credentials and a wrong account as AUTH_INVALID', async () => {
    const wrongSecret = createZoomAdapter(
      { credentials: { ...zoom.credentials, client_secret: 'nope' }, apiBaseUrl: zoom.apiBaseUrl, oauthBaseUrl: zoom.oauthBaseUrl },
      { clock },
    );
    await expect(wrongSecret.connect()).rejects.toMatchObject({ code: 'AUTH_INVALID', platform: 'zoom' });
    const wrongAccount = createZoomAdapter(
      { credentials: { ...zoom.credentials, account_id: 'other' }, apiBaseUrl: zoom.apiBaseUrl, oauthBaseUrl: zoom.oauthBaseUrl },
      { clock },
    );
    await expect(wrongAccount.fetchPresence(['u1'])).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    await Promise.all([wrongSecret.close(), wrongAccount.close()]);
  });

  it('reports a missing presence scope as PERMISSION_DENIED', async () => {
    const unscoped = await ZoomEmulator.start({ grantPresenceScope: false, users: [{ id: 'u1', status: 'Away' }] });
    const local = createZoomAdapter({ credentials: unscoped.credentials, apiBaseUrl: unscoped.apiBaseUrl, oauthBaseUrl: unscoped.oauthBaseUrl });
    try {
      await expect(local.fetchPresence(['u1'])).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    } finally {
      await local.close();
      await unscoped.close();
    }
  });

  it('refuses SDK-key-only credentials at once, before any network call', () => {
    expect(() => createZoomAdapter({ credentials: { sdk_key: 'seed-sdk-key' } })).toThrow(ZoomSdkKeyOnlyError);
    expect(() => createZoomAdapter({ credentials: { ZOOM_SDK_KEY: 'seed-sdk-key' } })).toThrow(/cannot read anyone's presence/);
  });

  it('delivers genuine webhook records to the push sink and nothing for forged ones', async () => {
    const pushed: string[] = [];
    await adapter.startPush?.({ presence: (record) => pushed.push(`${record.accountId}:${record.status}`), connection: () => undefined });
    const event = zoom.webhooks.presenceEvent({ userId: 'u1', status: 'Presenting' });
    expect(adapter.handleWebhook(zoom.webhooks.sign(event, { misSign: true })).status).toBe(401);
    expect(pushed).toEqual([]);
    expect(adapter.handleWebhook(zoom.webhooks.sign(event)).status).toBe(200);
    expect(pushed).toEqual(['u1:busy']);
    await adapter.close();
    adapter.handleWebhook(zoom.webhooks.sign(event));
    expect(pushed).toHaveLength(1);
  });

  it('stopPush: webhooks are still answered but reach no sink until startPush again', async () => {
    const pushed: string[] = [];
    const sink = { presence: (record: { accountId: string; status: string }) => pushed.push(`${record.accountId}:${record.status}`), connection: () => undefined };
    await adapter.startPush?.(sink);
    const delivery = (status: string) => zoom.webhooks.sign(zoom.webhooks.presenceEvent({ userId: 'u1', status }));
    adapter.handleWebhook(delivery('Away'));
    await adapter.stopPush?.();
    expect(adapter.handleWebhook(delivery('Presenting'))).toMatchObject({ status: 200 });
    expect(pushed).toEqual(['u1:away']);
    await adapter.startPush?.(sink);
    adapter.handleWebhook(delivery('Available'));
    expect(pushed).toEqual(['u1:away', 'u1:online']);
  });

  it('refuses webhooks when the connection has no webhook secret token', () => {
    const { webhook_secret_token: _unused, ...withoutSecret } = zoom.credentials;
    const local = createZoomAdapter({ credentials: withoutSecret, apiBaseUrl: zoom.apiBaseUrl, oauthBaseUrl: zoom.oauthBaseUrl });
    const result = local.handleWebhook(zoom.webhooks.sign(zoom.webhooks.presenceEvent({ userId: 'u1', status: 'Away' })));
    expect(result).toMatchObject({ status: 404, records: [] });
    void local.close();
  });

  it('stops reading after close', async () => {
    await adapter.close();
    await expect(adapter.fetchPresence(['u1'])).resolves.toEqual({ records: [], notFound: [] });
  });

  it('close() leaves no timers or sockets behind, push started or not', async () => {
    const local = await ZoomEmulator.start({ users: [{ id: 'u1', status: 'Away' }] });
    // The emulator's listening socket settles in the next turn of the event loop, not after a time.
    await new Promise((resolve) => setImmediate(resolve));
    const baseline = activeResources();
    const subject = createZoomAdapter({ credentials: local.credentials, apiBaseUrl: local.apiBaseUrl, oauthBaseUrl: local.oauthBaseUrl });
    await subject.fetchPresence(['u1']);
    await subject.startPush?.({ presence: () => undefined, connection: () => undefined });
    await subject.close();
    await subject.close();
    expect(await connectionsAfterClose(local.server)).toBe(0);
    expect(await leaksAfterClose(baseline)).toEqual([]);
    await local.close();
  });
});
