import { ChangeBus, RedisLink } from '@amo/presence-cluster';
import type { ConnectionState, PlatformPresence, PresenceAdapter, PushSink, WebhookDelivery } from '@amo/presence-core';
import { randomBytes } from 'node:crypto';
import { LeasedPushAdapter, type PushUnits } from './leased-push.adapter';

const url = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CAPABILITIES = { freshness: 'poll', poll: true, push: true, inferred: false, batchSize: 100, rateBudgets: [], fields: [] } as const;

async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A scripted unit adapter (the port's own shape): records what it is asked, pushes what the test says. */
class UnitAdapter implements PresenceAdapter {
  readonly platform = 'teams' as const;
  readonly capabilities = CAPABILITIES;
  sink: PushSink | undefined;
  readonly webhooks: WebhookDelivery[] = [];
  closed = false;
  constructor(readonly name: string) {}
  async connect(): Promise<void> {
    this.closed = false;
  }
  async fetchPresence(): Promise<{ records: PlatformPresence[]; notFound: string[] }> {
    return { records: [], notFound: [] };
  }
  async startPush(sink: PushSink): Promise<void> {
    this.sink = sink;
    sink.connection('up');
  }
  async stopPush(): Promise<void> {
    this.sink = undefined;
  }
  handleWebhook(delivery: WebhookDelivery) {
    this.webhooks.push(delivery);
    return { status: 202, body: '' };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('LeasedPushAdapter (two instances on one Redis prefix, scripted unit adapters)', () => {
  const prefix = `test:leased:${randomBytes(5).toString('hex')}:`;
  const links: RedisLink[] = [];
  const adapters: LeasedPushAdapter[] = [];

  afterAll(async () => {
    for (const adapter of adapters) await adapter.close();
    const [first] = links;
    const keys = await first.commands.keys(`${prefix}*`);
    if (keys.length > 0) await first.commands.del(...keys);
    await Promise.all(links.map((link) => link.close()));
  });

  async function instance(id: string, mayOwn = true) {
    const link = new RedisLink({ url, keyPrefix: prefix });
    links.push(link);
    await link.ready();
    const bus = new ChangeBus(link, { instanceId: id });
    await bus.start();
    const built: UnitAdapter[] = [];
    const handshakes: WebhookDelivery[] = [];
    const units: PushUnits = {
      list: async () => ['subscriptions'],
      build: async () => {
        const unit = new UnitAdapter(`${id}-${built.length}`);
        built.push(unit);
        return unit;
      },
      base: Object.assign(new UnitAdapter(`${id}-base`), {
        handleWebhook: (delivery: WebhookDelivery) => (handshakes.push(delivery), { status: 200, body: 'token', contentType: 'text/plain' }),
      }),
    };
    const adapter = new LeasedPushAdapter({
      platform: 'teams',
      capabilities: CAPABILITIES,
      units,
      link,
      bus,
      instanceId: id,
      leaseMs: 1500,
      mayOwn,
      log: { log: () => undefined, warn: () => undefined },
    });
    adapters.push(adapter);
    const states: ConnectionState[] = [];
    const records: PlatformPresence[] = [];
    await adapter.connect();
    await adapter.startPush({ presence: (record) => records.push(record), connection: (state) => states.push(state) });
    return { adapter, built, handshakes, states, records };
  }

  it('runs the unit on one instance; the other follows its state, relays notifications to it, answers handshakes itself', async () => {
    const a = await instance('a');
    await eventually(() => a.adapter.ownedUnits().length === 1, 'a owns the unit');
    const b = await instance('b');
    const api = await instance('api', false);
    await eventually(() => b.states.at(-1) === 'up' && api.states.at(-1) === 'up', 'the owner\'s state reached the others');
    expect(b.adapter.ownedUnits()).toEqual([]);
    expect(b.built).toEqual([]);

    // Records from the owner's unit reach the owner's sink (core there ingests and fans them out).
    a.built[0].sink?.presence({ platform: 'teams', accountId: 'x', status: 'online', observedAt: new Date() });
    expect(a.records).toHaveLength(1);

    const notification: WebhookDelivery = { method: 'POST', headers: { 'content-type': 'application/json' }, query: {}, rawBody: Buffer.from('{"value":[]}') };
    expect(b.adapter.handleWebhook(notification)).toEqual({ status: 202, body: '' });
    await eventually(() => a.built[0].webhooks.length === 1, 'relayed to the owner');
    expect(a.built[0].webhooks[0]).toEqual(notification);
    const handshake: WebhookDelivery = { method: 'POST', headers: {}, query: { validationToken: 'abc' }, rawBody: Buffer.alloc(0) };
    expect(b.adapter.handleWebhook(handshake)).toMatchObject({ status: 200 });
    expect(b.handshakes).toEqual([handshake]);
  });

  it('hands the unit to another instance when its owner goes (released on close), and never to an api instance', async () => {
    const [a, b, api] = adapters;
    await a.close();
    await eventually(() => b.ownedUnits().length === 1, 'b took over');
    expect(api.ownedUnits()).toEqual([]);
  });
});
