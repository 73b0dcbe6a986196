import { type Sandbox, startSandbox } from '@amo/presence-sandbox';
import { bootService, eventually, type RunningService, StreamClient, tempDir } from './harness.spec-helper';

describe('sandbox mode: the six emulators, sample people, live changes', () => {
  const dir = tempDir();
  let sandbox: Sandbox | undefined;
  let service: RunningService;

  beforeAll(async () => {
    service = await bootService({
      dataDir: dir.path,
      // Blank means unset: with no platform credentials, sandbox mode is the default.
      env: { PRESENCE_SANDBOX: '', PRESENCE_POLL_INTERVAL: '1', PRESENCE_MAX_RETRIES: '0' },
      sandbox: async (options) => (sandbox = await startSandbox({ publicUrl: options.publicUrl, clock: options.clock, changeEveryMs: 0 })),
    });
  }, 30_000);

  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it('says it is the sandbox, connects all six platforms and links the sample people', async () => {
    const health = await eventually(async () => {
      const body = await service.client.getHealth();
      return Object.keys(body.platforms).length === 6 && Object.values(body.platforms).every((p) => p.state === 'up') ? body : undefined;
    }, 15_000);
    expect(health).toMatchObject({ status: 'ok', sandbox: true });
    const users = (await service.client.listAllUsers()).map((user) => user.userId);
    expect(users).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank']);
    const { platforms } = await service.client.listPlatforms();
    expect(platforms.every((p) => p.connected && p.source === 'sandbox')).toBe(true);
  });

  it('shows people with different statuses across platforms, aggregated by the policy', async () => {
    const alice = await eventually(async () => {
      const body = await service.client.getPresence('alice');
      const { discord, slack, teams, zoom, whatsapp } = body.platforms;
      return [discord, slack, teams, zoom, whatsapp].every((p) => p?.lastUpdated) ? body : undefined;
    }, 10_000);
    expect(alice).toMatchObject({ status: 'online', available: true });
    expect(new Set(Object.values(alice.platforms).map((p) => p.status)).size).toBeGreaterThan(1);
  });

  it('streams a scripted change and shows an outage as degraded', async () => {
    const stream = await StreamClient.open(service.wsUrl);
    // Everyone, as the dashboard subscribes: a snapshot of each sample person first.
    stream.stream.subscribeAll();
    await stream.next((m) => m.type === 'subscribed' && m.all === true);
    await stream.next((m) => m.type === 'snapshot' && m.userId === 'frank');
    expect([...stream.stream.presences.keys()].sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank']);
    await sandbox?.setStatus('alice', 'discord', 'dnd');
    await stream.next((m) => m.type === 'presence' && m.platform === 'discord' && m.presence.status === 'busy');
    expect(stream.stream.presences.get('alice')?.platforms.discord).toMatchObject({ status: 'busy', rawStatus: 'dnd' });
    sandbox?.outage('slack', true);
    await stream.next((m) => m.type === 'platform' && m.platform === 'slack' && m.state === 'degraded', 10_000);
    expect((await service.client.getHealth()).status).toBe('degraded');
    sandbox?.outage('slack', false);
    stream.close();
  });
});
