import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import Redis from 'ioredis';
import { emulatorEnv, eventually, type StreamClient } from '../harness.spec-helper';
import { REDIS_URL, TestCluster } from './cluster.spec-helper';

describe('cluster: erasure on one instance leaves nothing about the person on any', () => {
  let zoom: ZoomEmulator;
  let cluster: TestCluster;
  let listener: Redis;
  const heard: string[] = [];
  let stream: StreamClient;

  beforeAll(async () => {
    zoom = await ZoomEmulator.start({
      users: [
        { id: 'zoom-erin', email: 'erin@example.com', status: 'Available' },
        { id: 'zoom-finn', email: 'finn@example.com', status: 'Available' },
      ],
    });
    cluster = await TestCluster.start({ instances: 3, name: 'erase', env: { ...emulatorEnv.zoom(zoom), PRESENCE_POLL_INTERVAL: '3600' } });
    // Everything the cluster says on its bus, as it says it.
    listener = new Redis(REDIS_URL);
    listener.on('message', (_channel: string, text: string) => heard.push(text));
    await listener.subscribe(`${cluster.prefix}changes`);
  }, 300_000);

  afterAll(async () => {
    stream?.close();
    await listener?.quit();
    await cluster?.stop();
    await zoom?.close();
  });

  it('erase on instance 1: gone from Redis before it returns, 404 on every instance, and the bus says nothing of them after', async () => {
    await cluster.instance(0).call('PUT', '/v1/users/erin/identities', { body: { zoom: 'zoom-erin' } });
    await cluster.instance(0).call('PUT', '/v1/users/finn/identities', { body: { zoom: 'zoom-finn' } });
    await cluster.instance(0).call('PUT', '/v1/users/erin/preferences', { body: { consent: true, preferredPlatforms: ['zoom'] } });
    zoom.webhookUrl = `${cluster.instance(0).url}/v1/webhooks/zoom`;
    await zoom.changeStatus('zoom-erin', 'Away');
    for (const instance of cluster.instances) {
      await eventually(async () => (await instance.call('GET', '/v1/presence/erin')).body?.platforms?.zoom?.rawStatus === 'Away', 10_000);
      await eventually(async () => (await instance.call('GET', '/v1/users/erin/preferences')).body?.preferredPlatforms?.[0] === 'zoom', 10_000);
    }
    await eventually(async () => (await cluster.redisKeys()).includes('p:erin'), 5_000);
    stream = await cluster.instance(2).stream();
    await stream.subscribe(['erin']);

    const erased = await cluster.instance(1).call('DELETE', '/v1/users/erin');
    expect(erased.status).toBe(204);
    // The erase itself is announced (links, preferences, then the forget itself, all sent before it returned).
    const forget = await eventually(() => {
      const index = heard.findIndex((text) => JSON.parse(text).t === 'forget' && JSON.parse(text).b.userId === 'erin');
      return index >= 0 ? index + 1 : undefined;
    }, 5_000);
    const heardAtErase = forget;
    // Redis, read the moment the erase returned: no key of theirs, and not in the set of people.
    const keys = await cluster.redisKeys();
    expect(keys.filter((key) => key.includes('erin'))).toEqual([]);
    expect(await cluster.redisClient.sismember(`${cluster.prefix}people`, 'erin')).toBe(0);
    for (const key of keys) {
      const type = await cluster.redisClient.type(cluster.prefix + key);
      const content = type === 'hash' ? JSON.stringify(await cluster.redisClient.hgetall(cluster.prefix + key)) : type === 'set' ? JSON.stringify(await cluster.redisClient.smembers(cluster.prefix + key)) : type === 'string' ? String(await cluster.redisClient.get(cluster.prefix + key)) : '';
      expect({ key, mentions: /erin/.test(content) }).toEqual({ key, mentions: false });
    }
    // Every instance forgets them (the erase was published before it returned; they apply it within moments).
    for (const instance of cluster.instances) {
      await eventually(async () => (await instance.call('GET', '/v1/presence/erin')).status === 404, 5_000);
      expect((await instance.call('GET', '/v1/users/erin/identities')).body).toEqual({});
      expect((await instance.call('GET', '/v1/users/erin/preferences')).body).toMatchObject({ consentIsDefault: true, preferredPlatforms: [] });
    }

    // A webhook about their old account changes nothing and says nothing: the account is linked to nobody.
    await zoom.changeStatus('zoom-erin', 'Do_Not_Disturb');
    await zoom.changeStatus('zoom-finn', 'Away');
    await eventually(async () => (await cluster.instance(2).call('GET', '/v1/presence/finn')).body?.platforms?.zoom?.rawStatus === 'Away', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = heard.slice(heardAtErase);
    expect(after.some((text) => text.includes('finn'))).toBe(true);
    expect(after.filter((text) => /erin/.test(text))).toEqual([]);
    expect((await cluster.redisKeys()).filter((key) => key.includes('erin'))).toEqual([]);
    expect(stream.messages.filter((m) => m.type === 'presence' && m.userId === 'erin' && m.presence.rawStatus === 'Do_Not_Disturb')).toEqual([]);
    for (const instance of cluster.instances) expect((await instance.call('GET', '/v1/presence/erin')).status).toBe(404);
  }, 120_000);
});
