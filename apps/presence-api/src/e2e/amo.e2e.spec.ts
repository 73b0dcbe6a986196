import { GraphEmulator } from '@amo/presence-adapter-teams/testing';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { HOURS_PER_WEEK, localHourAt } from '@amo/presence-core';
import type { PresenceStore } from '@amo/presence-store';
import { PRESENCE_STORE } from '../store/store.providers';
import { bootService, emulatorEnv, eventually, type RunningService, tempDir } from './harness.spec-helper';

const DAVE_TEAMS = '11111111-2222-4333-8444-555555555555';
const HOUR_MS = 3_600_000;

function zoomEnv(zoom: ZoomEmulator): Record<string, string> {
  return {
    ...emulatorEnv.zoom(zoom),
    PRESENCE_POLL_INTERVAL: '1',
    PRESENCE_MAX_RETRIES: '0',
  };
}

describe('AMO endpoints through the HTTP API: best channel, meet now, suggestions', () => {
  const dir = tempDir();
  let graph: GraphEmulator;
  let zoom: ZoomEmulator;
  let service: RunningService;

  beforeAll(async () => {
    graph = await GraphEmulator.start();
    graph.addUsers([DAVE_TEAMS]);
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-dave', status: 'In_A_Zoom_Meeting' }] });
    service = await bootService({
      dataDir: dir.path,
      env: {
        ...emulatorEnv.teams(graph),
        ...zoomEnv(zoom),
      },
    });
    expect((await service.call('PUT', '/v1/users/dave/identities', { body: { teams: DAVE_TEAMS, zoom: 'zoom-dave' } })).status).toBe(200);
    await eventually(async () => {
      const body = (await service.call('GET', '/v1/presence/dave')).body;
      return body?.platforms?.teams?.lastUpdated && body?.platforms?.zoom?.lastUpdated ? body : undefined;
    });
  });

  afterAll(async () => {
    await service?.close();
    await graph?.close();
    await zoom?.close();
    dir.remove();
  });

  it('GET /v1/users/{userId}/channels ranks online Teams first and busy Zoom last, with reasons', async () => {
    const answer = await service.call('GET', '/v1/users/dave/channels');
    expect(answer.status).toBe(200);
    expect(answer.body.userId).toBe('dave');
    expect(answer.body.channels.map((channel: any) => [channel.platform, channel.status, channel.accountId])).toEqual([
      ['teams', 'online', DAVE_TEAMS],
      ['zoom', 'busy', 'zoom-dave'],
    ]);
    expect(answer.body.channels[1].reasons.join('; ')).toMatch(/unless urgent/);
    for (const channel of answer.body.channels) expect(channel).toEqual(expect.objectContaining({ stale: false, score: expect.any(Number), lastSeen: null }));

    const details = await service.call('POST', '/v1/availability?details=true', { body: { userIds: ['dave', 'zed'] } });
    expect(details.body.details.dave.bestChannel).toEqual(answer.body.channels[0]);
    expect(details.body.details.zed.bestChannel).toBeNull();
  });

  it('POST /v1/meetings/now: an available person has no blockers, an unknown one is listed as unknown', async () => {
    const answer = await service.call('POST', '/v1/meetings/now', { body: { userIds: ['dave', 'zed'] } });
    expect(answer.status).toBe(200);
    expect(answer.body.allAvailable).toBe(false);
    expect(answer.body.people[0]).toMatchObject({ userId: 'dave', known: true, available: true, status: 'online', blockers: [], bestChannel: { platform: 'teams' } });
    expect(answer.body.people[1]).toMatchObject({ userId: 'zed', known: false, available: false, status: 'unknown', bestChannel: null });
    expect(answer.body.people[1].blockers[0].reason).toMatch(/unknown person/);
  });

  it('away on Teams and in a Zoom meeting: urgent ranks the meeting first; meet-now names both blockers', async () => {
    graph.setPresence(DAVE_TEAMS, { availability: 'Away', activity: 'Away' });
    await eventually(async () => ((await service.call('GET', '/v1/presence/dave')).body.platforms.teams.status === 'away' ? true : undefined));
    const normal = (await service.call('GET', '/v1/users/dave/channels')).body.channels.map((channel: any) => channel.platform);
    const urgent = (await service.call('GET', '/v1/users/dave/channels?urgent=true')).body.channels.map((channel: any) => channel.platform);
    expect(normal).toEqual(['teams', 'zoom']);
    expect(urgent).toEqual(['zoom', 'teams']);

    const now = await service.call('POST', '/v1/meetings/now', { body: { userIds: ['dave'] } });
    expect(now.body).toMatchObject({ allAvailable: false, people: [{ userId: 'dave', available: false, status: 'busy', decidedBy: 'zoom' }] });
    expect(now.body.people[0].blockers.map((blocker: any) => [blocker.platform, blocker.status])).toEqual([
      ['teams', 'away'],
      ['zoom', 'busy'],
    ]);
  });

  it('answers 404 with the error shape for a person without links, and 400 for bad bodies', async () => {
    const missing = await service.call('GET', '/v1/users/nobody/channels');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const tooMany = await service.call('POST', '/v1/meetings/now', { body: { userIds: Array.from({ length: 101 }, (_, i) => `p${i}`) } });
    expect(tooMany.status).toBe(400);
    const badZone = await service.call('POST', '/v1/meetings/suggest', { body: { userIds: ['dave'], durationMinutes: 60, withinDays: 7, timeZone: 'Mars/Olympus' } });
    expect(badZone.status).toBe(400);
    const short = await service.call('POST', '/v1/meetings/suggest', { body: { userIds: ['dave'], durationMinutes: 5, withinDays: 7, timeZone: 'UTC' } });
    expect(short.status).toBe(400);
    const urgentWord = await service.call('GET', '/v1/users/dave/channels?urgent=maybe');
    expect(urgentWord.status).toBe(400);
  });

  it('POST /v1/meetings/suggest: two opted-in people with eight weeks of Tuesdays 10:00 get Tuesday 10:00 first; no history is unknown', async () => {
    const store = service.app.get<PresenceStore>(PRESENCE_STORE);
    for (const userId of ['dave', 'erin']) {
      expect((await service.call('PUT', `/v1/users/${userId}/preferences`, { body: { consent: true, patternsOptIn: true } })).status).toBe(200);
    }
    const thisHour = localHourAt('UTC', Date.now());
    const entries = [];
    for (let hour = thisHour - 8 * HOURS_PER_WEEK; hour < thisHour; hour++) {
      const date = new Date(hour * HOUR_MS);
      const available = date.getUTCDay() === 2 && date.getUTCHours() === 10 ? 3600 : date.getUTCHours() === 15 ? 0 : 1800;
      for (const userId of ['dave', 'erin']) entries.push({ userId, localHour: hour, availableSeconds: available, observedSeconds: 3600 });
    }
    await store.patterns.record(entries);

    const answer = await service.call('POST', '/v1/meetings/suggest', {
      body: { userIds: ['dave', 'erin', 'zed'], durationMinutes: 60, withinDays: 7, timeZone: 'UTC', limit: 3 },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.unknown).toEqual(['zed']);
    expect(answer.body.slots).toHaveLength(3);
    const first = new Date(answer.body.slots[0].start);
    expect([first.getUTCDay(), first.getUTCHours(), first.getUTCMinutes()]).toEqual([2, 10, 0]);
    expect(answer.body.slots[0].people.map((person: any) => person.userId)).toEqual(['dave', 'erin']);
    expect(answer.body.slots[0].people[0].observedHours).toBeGreaterThanOrEqual(7);
  });
});

describe('pattern accounting through the service, on the service clock', () => {
  const dir = tempDir();
  let zoom: ZoomEmulator;
  let service: RunningService;
  let nowMs = Date.now();

  beforeAll(async () => {
    zoom = await ZoomEmulator.start({ users: [{ id: 'zoom-pat', status: 'Available' }] });
    service = await bootService({ dataDir: dir.path, env: zoomEnv(zoom), clock: { now: () => nowMs } });
  });

  afterAll(async () => {
    await service?.close();
    await zoom?.close();
    dir.remove();
  });

  it('an hour online, then offline: one hour available in the store, not one change', async () => {
    expect((await service.call('PUT', '/v1/users/pat/preferences', { body: { consent: true, patternsOptIn: true } })).status).toBe(200);
    expect((await service.call('PUT', '/v1/users/pat/identities', { body: { zoom: 'zoom-pat' } })).status).toBe(200);
    await eventually(async () => ((await service.call('GET', '/v1/presence/pat')).body?.status === 'online' ? true : undefined));

    nowMs += HOUR_MS;
    await zoom.changeStatus('zoom-pat', 'Offline');
    await eventually(async () => ((await service.call('GET', '/v1/presence/pat')).body?.status === 'offline' ? true : undefined));
    const pattern = await eventually(async () => {
      const rows = (await service.call('GET', '/v1/users/pat/export')).body?.availabilityPattern ?? [];
      return rows.length > 0 ? rows : undefined;
    });
    const sum = (field: string) => pattern.reduce((total: number, row: any) => total + row[field], 0);
    expect(sum('availableSeconds')).toBe(3600);
    expect(sum('observedSeconds')).toBe(3600);
  });
});
