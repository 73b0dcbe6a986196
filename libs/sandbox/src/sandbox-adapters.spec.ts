import { activeResources } from '@amo/presence-adapter-kit/testing';
import type { Platform, PlatformPresence, PresenceAdapter, PushSink } from '@amo/presence-core';
import { eventually, leaksAfterClose } from './sandbox.spec-helper';
import type { Sandbox } from './sandbox.types';
import { startSandbox } from './start-sandbox';

/** A push sink that keeps everything it hears. */
function recordingSink(): PushSink & { records: PlatformPresence[]; states: string[] } {
  const records: PlatformPresence[] = [];
  const states: string[] = [];
  return { records, states, presence: (record) => records.push(record), connection: (state) => states.push(state) };
}

const quick = { maxRetries: 0, breaker: { failureThreshold: 100, cooldownMs: 50 }, backoff: { baseMs: 1, maxMs: 5 }, reconnect: { baseMs: 10, maxMs: 50 } };

describe('adapters built from the sandbox (the real adapter code, pointed at the emulators)', () => {
  let sandbox: Sandbox;
  let adapters: Partial<Record<Platform, PresenceAdapter>>;
  const accountOf = (userId: string, platform: Platform): string => sandbox.people.find((p) => p.userId === userId)?.accounts[platform] as string;
  let baseline: Map<string, number>;

  beforeAll(async () => {
    baseline = activeResources();
    sandbox = await startSandbox({ changeEveryMs: 0 });
    adapters = sandbox.createAdapters(quick);
    await Promise.all(Object.values(adapters).map((adapter) => adapter.connect()));
  });

  afterAll(async () => {
    await Promise.all(Object.values(adapters).map((adapter) => adapter.close()));
    await sandbox.close();
    expect(await leaksAfterClose(baseline)).toEqual([]);
  });

  it('connects every platform and reads the starting statuses', async () => {
    const read = async (platform: Platform, userId: string) => {
      const { records } = await (adapters[platform] as PresenceAdapter).fetchPresence([accountOf(userId, platform)]);
      return records[0];
    };
    expect(Object.keys(adapters).sort()).toEqual(['discord', 'linkedin', 'slack', 'teams', 'whatsapp', 'zoom']);
    expect(await read('discord', 'alice')).toMatchObject({ status: 'online', rawStatus: 'online' });
    expect(await read('discord', 'carol')).toMatchObject({ status: 'busy', rawStatus: 'dnd' });
    expect(await read('slack', 'alice')).toMatchObject({ status: 'away' });
    expect(await read('slack', 'erin')).toMatchObject({ status: 'busy', activity: 'Do not disturb' });
    expect(await read('teams', 'alice')).toMatchObject({ status: 'busy', activity: 'In a meeting' });
    expect(await read('teams', 'dave')).toMatchObject({ status: 'away', activity: 'Off work' });
    expect(await read('zoom', 'alice')).toMatchObject({ status: 'busy' });
    expect(await read('zoom', 'dave')).toMatchObject({ status: 'online' });
  });

  it('scripted changes reach the adapters: by gateway push (Discord) and by the next read (Slack, Teams, Zoom)', async () => {
    const discord = adapters.discord as PresenceAdapter;
    const sink = recordingSink();
    discord.setTrackedIds?.([accountOf('bob', 'discord')]);
    await discord.startPush?.(sink);
    await sandbox.setStatus('bob', 'discord', 'dnd');
    await eventually(() => sink.records.find((r) => r.accountId === accountOf('bob', 'discord') && r.rawStatus === 'dnd'));
    expect(sandbox.nativeStatus('bob', 'discord')).toBe('dnd');

    await sandbox.setStatus('bob', 'slack', 'dnd');
    await sandbox.setStatus('bob', 'teams', 'DoNotDisturb/Presenting');
    await sandbox.setStatus('carol', 'zoom', 'Presenting');
    expect((await adapters.slack?.fetchPresence([accountOf('bob', 'slack')]))?.records[0]).toMatchObject({ status: 'busy' });
    expect((await adapters.teams?.fetchPresence([accountOf('bob', 'teams')]))?.records[0]).toMatchObject({ status: 'busy', activity: 'Presenting' });
    expect((await adapters.zoom?.fetchPresence([accountOf('carol', 'zoom')]))?.records[0]).toMatchObject({ status: 'busy' });
    await sandbox.setStatus('bob', 'slack', 'away');
    expect((await adapters.slack?.fetchPresence([accountOf('bob', 'slack')]))?.records[0]).toMatchObject({ status: 'away' });
  });

  it('shows an outage (5xx, dropped gateway) and the recovery', async () => {
    const zoom = adapters.zoom as PresenceAdapter;
    const zoomId = accountOf('dave', 'zoom');
    sandbox.outage('zoom', true);
    expect(sandbox.isOut('zoom')).toBe(true);
    await expect(zoom.fetchPresence([zoomId])).rejects.toMatchObject({ code: 'TRANSIENT' });
    await sandbox.setStatus('dave', 'zoom', 'Away'); // taken by the platform, read once it is back
    sandbox.outage('zoom', false);
    const record = await eventually(async () => (await zoom.fetchPresence([zoomId]).catch(() => undefined))?.records[0]);
    expect(record).toMatchObject({ status: 'away' });

    const teams = adapters.teams as PresenceAdapter;
    sandbox.outage('teams', true);
    await expect(teams.fetchPresence([accountOf('carol', 'teams')])).rejects.toMatchObject({ code: 'TRANSIENT' });
    await sandbox.setStatus('carol', 'teams', 'Busy/InACall');
    sandbox.outage('teams', false);
    const teamsRecord = await eventually(async () => (await teams.fetchPresence([accountOf('carol', 'teams')]).catch(() => undefined))?.records[0]);
    expect(teamsRecord).toMatchObject({ status: 'busy', activity: 'In a call' });

    const discord = adapters.discord as PresenceAdapter;
    sandbox.outage('discord', true);
    await eventually(() => discord.health?.().connection !== 'up');
    await sandbox.setStatus('frank', 'discord', 'idle');
    sandbox.outage('discord', false);
    // The gateway reconnects with full-jitter backoff, whose ceiling grew while the outage refused it.
    await eventually(() => discord.health?.().connection === 'up', 30_000);
    const frank = await eventually(async () => (await discord.fetchPresence([accountOf('frank', 'discord')])).records.find((r) => r.rawStatus === 'idle'));
    expect(frank.status).toBe('idle');
  }, 60_000);
});
