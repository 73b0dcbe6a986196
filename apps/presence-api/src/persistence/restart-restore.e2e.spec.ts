import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import type { PresenceData } from '@amo/presence-core';
import { openStore } from '@amo/presence-store';
import { join } from 'node:path';
import { bootService, emulatorEnv, eventually, type RunningService, tempDir } from '../e2e/harness.spec-helper';

/**
 * Start-up restores the store's links and snapshot records in pages of columns (no record object per row).
 * Seen from outside: restored records keep their real times and staleness, the first live reading equal to a
 * restored record is no change (no audit row, no change counted) while a different one is audited from the
 * restored status, and restarting twice restores the same thing.
 */
describe('restart: the snapshot restored in bulk', () => {
  const dir = tempDir();
  const now = Date.now();
  let zoom: ZoomEmulator;
  let service: RunningService | undefined;

  const seeded = (userId: string, platform: PresenceData['platform'], status: PresenceData['status'], ageMs: number) => ({
    userId,
    record: { userId, platform, status, lastUpdated: new Date(now - ageMs), lastSeen: new Date(now - ageMs) },
    confirmedAt: now - ageMs,
  });

  beforeAll(async () => {
    // Zoom answers alice as restored (online) and bob differently (away); Slack is not configured, so nothing
    // re-reads the Slack records: what shows is what was stored.
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-alice', status: 'Available' }, { id: 'zoom-bob', status: 'Away' }] });
    const store = await openStore({ database: { type: 'sqlite', path: join(dir.path, 'presence.sqlite') } });
    try {
      await store.identities.replaceMany([
        { userId: 'alice', identities: { zoom: 'zoom-alice', slack: 'U-ALICE' } },
        { userId: 'bob', identities: { zoom: 'zoom-bob', slack: 'U-BOB' } },
      ]);
      await store.snapshots.saveBatch([
        seeded('alice', 'zoom', 'online', 20_000),
        seeded('alice', 'slack', 'online', 60_000),
        seeded('bob', 'zoom', 'online', 20_000),
        // Confirmed ten minutes ago: past the 5-minute TTL, so stale from the first read after the restart.
        seeded('bob', 'slack', 'away', 600_000),
      ]);
    } finally {
      await store.close();
    }
  });

  afterAll(async () => {
    await service?.close();
    await zoom?.close();
    dir.remove();
  });

  const boot = (): Promise<RunningService> => bootService({ dataDir: dir.path, env: { ...emulatorEnv.zoom(zoom), PRESENCE_POLL_INTERVAL: '1' } });
  const running = (): RunningService => {
    if (!service) throw new Error('the service is not running');
    return service;
  };
  const presence = async (userId: string): Promise<any> => (await running().call('GET', `/v1/presence/${userId}`)).body;
  const slackRecords = async () => ({ alice: (await presence('alice')).platforms.slack, bob: (await presence('bob')).platforms.slack });

  it('restores real times and staleness; the first live reading equal to the restored status is no change, a different one is audited from it', async () => {
    service = await boot();
    const { alice, bob } = await slackRecords();
    expect(alice).toMatchObject({ status: 'online', lastUpdated: new Date(now - 60_000).toISOString(), stale: false });
    expect(bob).toMatchObject({ status: 'away', lastUpdated: new Date(now - 600_000).toISOString(), stale: true });

    // Zoom's first poll reads both people: alice's reading confirms her restored record, bob's changes his.
    await eventually(async () => Date.parse((await presence('alice')).platforms.zoom.lastUpdated) > now - 20_000 && (await presence('bob')).platforms.zoom.status === 'away', 10_000);
    const audit = await eventually(async () => {
      const body = (await running().call('GET', '/v1/audit')).body;
      return body.entries.length > 0 ? body : undefined;
    });
    expect(audit.entries).toEqual([{ id: expect.any(Number), userId: 'bob', platform: 'zoom', from: 'online', to: 'away', at: expect.any(String) }]);
    expect((await service.call('GET', '/v1/stats')).body.changesEmitted).toBe(1);
    expect((await presence('alice')).platforms.zoom).toMatchObject({ status: 'online', stale: false });
  });

  it('restarting twice restores the same records', async () => {
    const before = { slack: await slackRecords(), zoom: { alice: (await presence('alice')).platforms.zoom, bob: (await presence('bob')).platforms.zoom } };
    for (let restart = 0; restart < 2; restart++) {
      const confirmedBefore = (await presence('alice')).platforms.zoom.lastUpdated;
      await running().close();
      // Shutdown wrote what was read since the restore (Zoom's readings), with their real times, and left the
      // records nothing re-read (Slack) as they were stored.
      const store = await openStore({ database: { type: 'sqlite', path: join(dir.path, 'presence.sqlite') } });
      try {
        const stored = Object.fromEntries((await store.snapshots.forPerson('alice')).map((entry) => [entry.record.platform, entry]));
        expect(stored.slack).toMatchObject({ confirmedAt: now - 60_000, record: { lastUpdated: new Date(now - 60_000) } });
        expect(stored.zoom.confirmedAt).toBeGreaterThanOrEqual(Date.parse(confirmedBefore));
        expect(stored.zoom.record.lastUpdated.getTime()).toBeGreaterThanOrEqual(Date.parse(confirmedBefore));
      } finally {
        await store.close();
      }
      service = await boot();
      // The records nothing re-reads come back exactly as they were, staleness included.
      expect(await slackRecords()).toEqual(before.slack);
      const zoomNow = { alice: (await presence('alice')).platforms.zoom, bob: (await presence('bob')).platforms.zoom };
      expect(zoomNow).toMatchObject({ alice: { status: 'online', stale: false }, bob: { status: 'away', stale: false } });
      // Confirmed at shutdown with their real times: never older than before the restart.
      expect(Date.parse(zoomNow.alice.lastUpdated)).toBeGreaterThanOrEqual(Date.parse(before.zoom.alice.lastUpdated));
    }
    // Nothing changed across the restarts: still the one audit row from the first run.
    expect((await running().call('GET', '/v1/audit')).body.entries).toHaveLength(1);
  });
});
