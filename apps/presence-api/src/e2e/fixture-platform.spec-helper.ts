import { createHmac, timingSafeEqual } from 'node:crypto';
import { httpOutage, type PlatformSandboxStarter, type RunningPlatformSandbox, statusOf } from '@amo/presence-adapter-kit/testing';
import { endpointValue, InvalidInputError, type PlatformPresence, type PresenceStatus, type PushSink, type WebhookReply } from '@amo/presence-core';
// The kit's example platform (an adapter and its emulator, test-only): the fixture a seventh platform is proved with.
/* eslint-disable @nx/enforce-module-boundaries */
import { createExampleAdapter } from '../../../../libs/adapter-kit/src/__fixtures__/example-platform/example.adapter';
import { startExampleEmulator } from '../../../../libs/adapter-kit/src/__fixtures__/example-platform/example.emulator';
/* eslint-enable @nx/enforce-module-boundaries */
import type { ServicePlatform } from '../platforms/platform-registry';

// Core's Platform union is closed and the kit's example adapter borrows the name 'zoom': the test registry holds
// only this descriptor, so nothing of the real Zoom is involved (its env names, endpoints and routes are absent).
const PLATFORM = 'zoom' as const;

const STATES: Readonly<Record<string, PresenceStatus>> = { available: 'online', idle: 'idle', dnd: 'busy', away: 'away', offline: 'offline' };

/** `x-example-signature: hex HMAC-SHA256(webhook secret, raw body)`, the example platform's webhook signature. */
export function signExample(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function verified(secret: string | undefined, signature: string | undefined, rawBody: Buffer): boolean {
  if (!secret || !signature) return false;
  const expected = Buffer.from(signExample(secret, rawBody.toString('utf8')));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * A seventh platform as an adapter library would describe it: two credential fields with their environment
 * names, one endpoint, one signed webhook route (`POST /v1/webhooks/<platform>`, a delivery `{id, state}`),
 * and a factory around the kit's example adapter that adds push through the port's `handleWebhook`.
 */
export const examplePlatform: ServicePlatform = {
  platform: PLATFORM,
  displayName: 'Example platform (kit fixture)',
  credentials: [
    { key: 'token', env: 'EXAMPLE_TOKEN', secret: true, required: true, description: 'Bearer token for GET /v1/presence' },
    { key: 'webhook_secret', env: 'EXAMPLE_WEBHOOK_SECRET', secret: true, required: false, description: 'Signs webhook deliveries' },
  ],
  endpoints: [{ key: 'exampleApi', env: 'EXAMPLE_API_BASE_URL', default: 'https://example.invalid' }],
  apiEndpoint: 'exampleApi',
  capabilities: { freshness: 'poll', poll: true, push: true, inferred: false, batchSize: 3, rateBudgets: [{ bucket: 'zoom:example.presence', limit: 10, windowMs: 1_000 }], fields: ['activity'] },
  webhooks: [{ method: 'POST', summary: 'Example platform presence changes (x-example-signature)' }],
  parseCredentials: (record) => {
    if (typeof record.token !== 'string' || record.token === '') throw new InvalidInputError('example: token is required');
    return { ...record };
  },
  createAdapter: (credentials, context) => {
    const adapter = createExampleAdapter({ baseUrl: endpointValue(context.endpoints, 'exampleApi'), token: String(credentials.token), push: true }, { budgets: context.budgets });
    const secret = typeof credentials.webhook_secret === 'string' ? credentials.webhook_secret : undefined;
    let sink: PushSink | undefined;
    return {
      ...adapter,
      startPush: async (next) => void (sink = next),
      stopPush: async () => void (sink = undefined),
      handleWebhook: (delivery): WebhookReply => {
        if (!verified(secret, delivery.headers['x-example-signature'], delivery.rawBody)) return { status: 401, body: { error: 'bad signature' } };
        const { id, state } = JSON.parse(delivery.rawBody.toString('utf8')) as { id: string; state: string };
        const record: PlatformPresence = { platform: PLATFORM, accountId: id, status: STATES[state] ?? 'unknown', rawStatus: state, observedAt: new Date(context.clock.now()) };
        sink?.presence(record);
        return { status: 204, body: undefined };
      },
    };
  },
};

const SANDBOX_SECRET = 'sandbox-secret';

/** The example platform's emulators the fixture's sandbox starter started, newest last (for the test to script). */
export const startedExampleSandboxes: RunningPlatformSandbox[] = [];

/**
 * The fixture's sandbox starter, as its adapter library's `/testing` entry would export it: the example emulator
 * holding the sample people's accounts (`u1`, `u2`, ...), the credentials that reach it, and each change delivered
 * as a signed webhook to where the sandbox says the platform's webhooks go.
 */
export const exampleSandbox: PlatformSandboxStarter = {
  natives: ['available', 'idle', 'dnd', 'away', 'offline'],
  accountId: (index) => `u${index + 1}`,
  samplePeople: { alice: 'dnd' },
  async start(ctx) {
    const emulator = await startExampleEmulator();
    emulator.states.clear();
    for (const account of ctx.accounts) emulator.states.set(account.accountId, account.native ?? 'offline');
    let down = false;
    const running: RunningPlatformSandbox = {
      endpoints: { exampleApi: emulator.server.url },
      credentials: { token: emulator.token, webhook_secret: SANDBOX_SECRET },
      async apply(accountId, native) {
        emulator.states.set(accountId, native);
        if (ctx.webhookUrl === undefined || down) return undefined;
        const body = JSON.stringify({ id: accountId, state: native });
        const headers = { 'content-type': 'application/json', 'x-example-signature': signExample(SANDBOX_SECRET, body) };
        return statusOf(fetch(ctx.webhookUrl, { method: 'POST', headers, body }));
      },
      outage(on) {
        down = on;
        httpOutage(emulator.server, on, { status: 503, json: { error: { code: 'unavailable' } } });
      },
      createAdapter: (deps) => createExampleAdapter({ baseUrl: emulator.server.url, token: emulator.token }, { budgets: deps.budgets }),
      close: () => emulator.server.close(),
    };
    startedExampleSandboxes.push(running);
    return running;
  },
};

/** The test registry: one platform, paired with its sandbox starter, that no app or sandbox-library file names. */
export const FIXTURE_REGISTRY: readonly ServicePlatform[] = [{ ...examplePlatform, sandbox: exampleSandbox }];

export { startExampleEmulator };
