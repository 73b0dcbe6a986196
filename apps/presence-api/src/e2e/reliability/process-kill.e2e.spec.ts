import { DiscordGatewayEmulator } from '@amo/presence-adapter-discord/testing';
import { SlackEmulator } from '@amo/presence-adapter-slack/testing';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
import { checkIntegrity, openStore } from '@amo/presence-store';
import { eventually, freePort, tempDir } from '../harness.spec-helper';
import { ServiceChild } from '../process.spec-helper';
import {
  type AuditRow,
  chainProblems,
  type KillDatabase,
  killDatabase,
  openReader,
  readPresenceRows,
  type SnapshotRow,
} from './process-kill.spec-helper';

/**
 * Process faults: the service is killed with SIGKILL in the middle of heavy change traffic (Discord
 * PRESENCE_UPDATEs, signed Zoom and Slack webhooks, concurrent API writes), then started again on the same
 * database, twice. Every write the service acknowledged must be there, the database must pass the store's
 * integrity check, the audit log and snapshot must be one consistent prefix of the changes, and the Discord
 * session must resume (op 6 with the stored session id and sequence) instead of identifying again.
 * Quick mode: a few seconds of traffic per round.
 */
const POSTGRES_URL = process.env.PRESENCE_TEST_POSTGRES_URL;
const GUILD = '41771983444115456';
const KEY = Buffer.alloc(32, 11).toString('base64');
const PEOPLE = 24;
const TRAFFIC_MS = 2500;

const person = (i: number): string => `kill-${String(i).padStart(2, '0')}`;
const discordId = (i: number): string => String(80351110224679000n + BigInt(i));
const slackId = (i: number): string => `UKILL${String(i).padStart(4, '0')}`;
const zoomId = (i: number): string => `zoom-kill-${i}`;
/** Everyone on Discord; every third person on Slack too, the next on Zoom. */
function links(i: number): Record<string, string> {
  const accounts: Record<string, string> = { discord: discordId(i) };
  if (i % 3 === 0) accounts.slack = slackId(i);
  if (i % 3 === 1) accounts.zoom = zoomId(i);
  return accounts;
}
const indexes = Array.from({ length: PEOPLE }, (_, i) => i);
/** Discord members whose person an API writer unlinks and links again during the traffic. */
const CHURN = [PEOPLE, PEOPLE + 1, PEOPLE + 2, PEOPLE + 3];
const churner = (i: number): string => `churn-${i}`;
const ZOOM_PEOPLE = indexes.filter((i) => i % 3 === 1);
const SLACK_PEOPLE = indexes.filter((i) => i % 3 === 0);
/** Opted out of Zoom: nothing of theirs from Zoom may ever be stored. */
const ZOOM_OPT_OUT = 1;

const DISCORD_CYCLE = ['idle', 'dnd', 'offline', 'online'] as const;
const DISCORD_STATUS: Record<string, string> = { online: 'online', idle: 'idle', dnd: 'busy', offline: 'offline' };
const ZOOM_CYCLE = ['Away', 'Do_Not_Disturb', 'Available'];
/** The statuses each platform's traffic can produce: anything else in the snapshot or audit log is garbage. */
const POSSIBLE: Record<string, string[]> = { discord: ['online', 'idle', 'busy', 'offline'], slack: ['online', 'away', 'busy'], zoom: ['online', 'away', 'busy'] };

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
/** toEqual's equality, as a value (to list every mismatch at once). */
function same(actual: unknown, expected: unknown): boolean {
  try {
    expect(actual).toEqual(expected);
    return true;
  } catch {
    return false;
  }
}

/** What the API acknowledged with a 2xx during traffic, and everything it was asked (acknowledged or not). */
interface Acknowledged {
  links: Map<string, Record<string, string>>;
  preferences: Map<string, unknown>;
  keys: Map<string, string>;
  attemptedPeople: Set<string>;
  attemptedKeys: Set<string>;
}

describe.each(POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'])('kill -9 during heavy change traffic on %s, restarted twice', (databaseName) => {
  const dir = tempDir('presence-kill-');
  let database: KillDatabase;
  let discord: DiscordGatewayEmulator;
  let slack: SlackEmulator;
  let zoom: ZoomEmulator;
  let service: ServiceChild;
  let readKey: string;
  const preferencesSet = new Map<string, unknown>();
  const discordTruth = new Map<number, string>([...indexes, ...CHURN].map((i) => [i, 'online']));
  const acknowledged: Acknowledged = { links: new Map(), preferences: new Map(), keys: new Map(), attemptedPeople: new Set(), attemptedKeys: new Set() };

  beforeAll(async () => {
    database = await killDatabase(databaseName as 'sqlite' | 'postgres', dir.path, POSTGRES_URL);
    discord = await DiscordGatewayEmulator.start();
    discord.addGuild(GUILD).addMembers(GUILD, [...indexes, ...CHURN].map((i) => ({ id: discordId(i), status: 'online' as const })));
    slack = await SlackEmulator.start();
    for (const i of SLACK_PEOPLE) slack.addUser(slackId(i), { presence: 'active' });
    zoom = await ZoomEmulator.start({ users: ZOOM_PEOPLE.map((i) => ({ id: zoomId(i), status: 'Available' })), rateLimit: { limit: 1000, windowMs: 1000 } });
    const port = await freePort();
    service = new ServiceChild(
      port,
      () => ({
        PATH: process.env.PATH ?? '',
        ...database.env,
        PORT: String(port),
        PRESENCE_PUBLIC_URL: `http://127.0.0.1:${port}`,
        PRESENCE_DATA_DIR: dir.path,
        PRESENCE_API_TOKEN: 'e2e-admin-token-0123456789abcdef',
        PRESENCE_ENCRYPTION_KEY: KEY,
        PRESENCE_CONSENT_DEFAULT: 'granted',
        PRESENCE_SANDBOX: 'false',
        PRESENCE_LOG_LEVEL: 'warn',
        PRESENCE_POLL_INTERVAL: '1',
        PRESENCE_RATE_LIMIT: '1000000',
        DISCORD_BOT_TOKEN: discord.token,
        DISCORD_GUILD_ID: GUILD,
        DISCORD_API_BASE_URL: discord.apiBaseUrl,
        // Slack and Zoom are connected through the API (stored connections); only where their APIs are comes from here.
        SLACK_API_BASE_URL: slack.baseUrl,
        ZOOM_API_BASE_URL: zoom.apiBaseUrl,
        ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl,
      }),
      dir.path,
    );
    await service.start();
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await Promise.all([discord?.close(), slack?.close(), zoom?.close()]);
    await database?.drop();
    dir.remove();
  });

  it('is set up through the API: people linked (batch and single), preferences, a key, Slack and Zoom connected, Discord READY', async () => {
    const batch = indexes.slice(0, 20).map((i) => ({ userId: person(i), identities: links(i) }));
    expect((await service.call('POST', '/v1/identities/batch', { body: { people: batch } })).status).toBe(200);
    for (const i of indexes.slice(20)) expect((await service.call('PUT', `/v1/users/${person(i)}/identities`, { body: links(i) })).status).toBe(200);
    for (const i of CHURN) expect((await service.call('PUT', `/v1/users/${churner(i)}/identities`, { body: { discord: discordId(i) } })).status).toBe(200);
    const preferences: [number, unknown][] = [
      [0, { consent: true, policy: 'busy-wins', preferredPlatforms: ['slack', 'discord'], quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' } }],
      [ZOOM_OPT_OUT, { consent: true, optedOutPlatforms: ['zoom'] }],
      [2, { consent: true, patternsOptIn: true }],
    ];
    for (const [i, body] of preferences) {
      const answer = await service.call('PUT', `/v1/users/${person(i)}/preferences`, { body });
      expect(answer.status).toBe(200);
      preferencesSet.set(person(i), answer.body);
    }
    const created = await service.call('POST', '/v1/api-keys', { body: { name: 'scheduler', scopes: ['read'] } });
    expect(created.status).toBe(201);
    readKey = created.body.key;
    expect((await service.call('POST', '/v1/platforms/slack/connect', { body: { credentials: { bot_token: slack.botToken, signing_secret: slack.signingSecret } } })).status).toBe(200);
    expect((await service.call('POST', '/v1/platforms/zoom/connect', { body: { credentials: zoom.credentials } })).status).toBe(200);
    slack.subscribe(`${service.url}/v1/webhooks/slack`);
    zoom.webhookUrl = `${service.url}/v1/webhooks/zoom`;

    expect(discord.framesWithOp(2)).toHaveLength(1);
    await eventually(async () => {
      const platforms = (await service.call('GET', '/v1/platforms')).body.platforms as { platform: string; state: string }[];
      return ['discord', 'slack', 'zoom'].every((name) => platforms.find((p) => p.platform === name)?.state === 'up');
    }, 20_000, 100);
    // Every Discord and Zoom account has been seen once (GUILD_CREATE, the first Zoom reads); Slack's sweep, at
    // Tier 3's 50 calls a minute, goes on during the traffic.
    await eventually(async () => {
      const { presences } = (await service.call('POST', '/v1/presence/batch', { body: { userIds: indexes.map(person) } })).body;
      const seen = (i: number, platform: string): boolean => Boolean(presences[person(i)]?.platforms?.[platform]?.lastUpdated);
      return indexes.every((i) => seen(i, 'discord')) && ZOOM_PEOPLE.every((i) => i === ZOOM_OPT_OUT || seen(i, 'zoom'));
    }, 20_000, 100);
  }, 60_000);

  /** Heavy change traffic until the kill; returns what a reader saw committed just before it. */
  async function trafficThenKill(round: number): Promise<{ audit: AuditRow[]; snapshots: SnapshotRow[] }> {
    // Bounded whatever happens: every loop also ends at this deadline.
    const deadline = Date.now() + TRAFFIC_MS + 10_000;
    let stopped = false;
    const running = (): boolean => !stopped && Date.now() < deadline;
    const loops: Promise<void>[] = [];
    // Discord: bursts of PRESENCE_UPDATEs over the live gateway session.
    loops.push(
      (async () => {
        for (let tick = 0; running(); tick++) {
          discord.burst(() => {
            for (let k = 0; k < 8; k++) {
              const i = (tick * 8 + k) % (PEOPLE + CHURN.length);
              const next = DISCORD_CYCLE[(DISCORD_CYCLE.indexOf(discordTruth.get(i) as (typeof DISCORD_CYCLE)[number]) + 1) % DISCORD_CYCLE.length];
              discord.setUserPresence(discordId(i), next);
              discordTruth.set(i, next);
            }
          });
          await sleep(5);
        }
      })(),
    );
    // Zoom: signed user.presence_status_updated webhooks, one after another.
    loops.push(
      (async () => {
        for (let n = 0; running(); n++) {
          const i = ZOOM_PEOPLE[n % ZOOM_PEOPLE.length];
          await zoom.changeStatus(zoomId(i), ZOOM_CYCLE[n % ZOOM_CYCLE.length]).catch(() => undefined);
        }
      })(),
    );
    // Slack: signed dnd_updated_user events, with presence flipping underneath for the sweep.
    loops.push(
      (async () => {
        for (let n = 0; running(); n++) {
          const i = SLACK_PEOPLE[n % SLACK_PEOPLE.length];
          const now = Math.floor(Date.now() / 1000);
          slack.setPresence(slackId(i), n % 4 < 2 ? 'away' : 'active');
          await slack.setDnd(slackId(i), n % 2 === 0 ? { dnd_enabled: true, next_dnd_start_ts: now - 60, next_dnd_end_ts: now + 3600 } : { dnd_enabled: false }).catch(() => undefined);
        }
      })(),
    );
    // API writes, three at a time: links, preferences, keys and batches, each to its own resource.
    let counter = 0;
    for (let writer = 0; writer < 3; writer++) {
      loops.push(
        (async () => {
          while (running()) {
            const n = counter++;
            await apiWrite(round, n).catch(() => undefined);
          }
        })(),
      );
    }
    try {
      await sleep(TRAFFIC_MS);
      const reader = await openReader(database);
      return await readPresenceRows(reader).finally(() => reader.destroy());
    } finally {
      await service.kill();
      stopped = true;
      await Promise.all(loops);
    }
  }

  async function apiWrite(round: number, n: number): Promise<void> {
    const id = `w${round}-${n}`;
    if (n % 5 === 4) {
      // Links that come and go while their account's changes pour in: none of its snapshots may outlive its link.
      const i = CHURN[Math.floor(n / 5) % CHURN.length];
      await service.call('PUT', `/v1/users/${churner(i)}/identities`, { body: Math.floor(n / 5 / CHURN.length) % 2 === 0 ? {} : { discord: discordId(i) } });
      return;
    }
    switch (n % 5) {
      case 0: {
        const body = { linkedin: `urn:li:person:${id}` };
        acknowledged.attemptedPeople.add(id);
        if ((await service.call('PUT', `/v1/users/${id}/identities`, { body })).status === 200) acknowledged.links.set(id, body);
        return;
      }
      case 1: {
        acknowledged.attemptedPeople.add(id);
        const answer = await service.call('PUT', `/v1/users/${id}/preferences`, { body: { consent: true, policy: 'busy-wins', preferredPlatforms: ['linkedin'] } });
        if (answer.status === 200) acknowledged.preferences.set(id, answer.body);
        return;
      }
      case 2: {
        acknowledged.attemptedKeys.add(id);
        const answer = await service.call('POST', '/v1/api-keys', { body: { name: id, scopes: ['read'] } });
        if (answer.status === 201) acknowledged.keys.set(id, answer.body.key);
        return;
      }
      default: {
        const people = [0, 1, 2].map((j) => ({ userId: `${id}-${j}`, identities: { linkedin: `urn:li:person:${id}-${j}` } }));
        for (const entry of people) acknowledged.attemptedPeople.add(entry.userId);
        if ((await service.call('POST', '/v1/identities/batch', { body: { people } })).status === 200) {
          for (const entry of people) acknowledged.links.set(entry.userId, entry.identities);
        }
      }
    }
  }

  /** With the service dead: the database as the kill left it. Returns the Discord session it stored. */
  async function inspectAfterKill(committed: { audit: AuditRow[]; snapshots: SnapshotRow[] }): Promise<{ sessionId: string; sequence: number }> {
    const reader = await openReader(database);
    try {
      const report = await checkIntegrity(reader);
      expect(report.problems).toEqual([]);
      if (database.name === 'sqlite') {
        expect(await reader.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
        expect(await reader.query('PRAGMA foreign_key_check')).toEqual([]);
      }
      const { audit, snapshots } = await readPresenceRows(reader);
      // One consistent prefix of the changes: each chain unbroken, each snapshot where its chain ends.
      // A churned person's chain starts again after each unlink (their account's record was forgotten).
      expect(chainProblems(audit, snapshots, (userId) => userId.startsWith('churn-'))).toEqual([]);
      const garbage = [...audit.map((row) => ({ platform: row.platform, status: row.to, where: `audit ${row.id}` })), ...snapshots.map((row) => ({ platform: row.platform, status: row.status, where: `snapshot ${row.userId}` }))]
        .filter((entry) => !POSSIBLE[entry.platform]?.includes(entry.status));
      expect(garbage).toEqual([]);
      expect(snapshots.filter((row) => row.userId === person(ZOOM_OPT_OUT) && row.platform === 'zoom')).toEqual([]);
      expect(audit.filter((row) => row.userId === person(ZOOM_OPT_OUT) && row.platform === 'zoom')).toEqual([]);
      // What was committed before the kill is still there, unchanged; snapshots only move forward (a churned
      // person's may have gone with their link).
      const kept = new Map(audit.map((row) => [row.id, row]));
      expect(committed.audit.filter((row) => JSON.stringify(kept.get(row.id)) !== JSON.stringify(row))).toEqual([]);
      const now = new Map(snapshots.map((row) => [`${row.userId}/${row.platform}`, row]));
      const lost = committed.snapshots.filter((row) => !row.userId.startsWith('churn-') && !((now.get(`${row.userId}/${row.platform}`)?.confirmedAt ?? 0) >= row.confirmedAt));
      expect(lost).toEqual([]);
    } finally {
      await reader.destroy();
    }

    const store = await openStore({ database: database.config, encryptionKey: KEY });
    try {
      for (const i of indexes) expect(await store.identities.accountsOf(person(i))).toEqual(links(i));
      for (const [userId, accounts] of acknowledged.links) expect([userId, await store.identities.accountsOf(userId)]).toEqual([userId, accounts]);
      const stored = new Set((await store.identities.all()).map((link) => link.userId));
      const known = (userId: string): boolean => indexes.map(person).includes(userId) || CHURN.map(churner).includes(userId) || acknowledged.attemptedPeople.has(userId);
      expect([...stored].filter((userId) => !known(userId))).toEqual([]);
      const preferences = await store.preferences.loadAll();
      expect([...preferencesSet.keys(), ...acknowledged.preferences.keys()].filter((userId) => !preferences.has(userId))).toEqual([]);
      const keyNames = (await store.apiKeys.list()).map((key) => key.name);
      expect(['scheduler', ...acknowledged.keys.keys()].filter((name) => !keyNames.includes(name))).toEqual([]);
      expect(keyNames.filter((name) => name !== 'scheduler' && !acknowledged.attemptedKeys.has(name) && name !== 'bootstrap-admin')).toEqual([]);
      expect((await store.connections.list()).map((connection) => connection.platform).sort()).toEqual(['slack', 'zoom']);
      expect((await store.connections.credentials('slack'))?.reveal()).toMatchObject({ bot_token: slack.botToken });
      expect((await store.connections.credentials('zoom'))?.reveal()).toMatchObject({ client_secret: zoom.clientSecret });
      const saved = (await store.platformState.get<Record<string, { sessionId: string; sequence: number }>>('discord', 'session'))?.value?.['0'];
      if (!saved) throw new Error('no Discord session was stored');
      const session = discord.sessions.get(saved.sessionId);
      expect(session).toBeDefined();
      expect(saved.sequence).toBeLessThanOrEqual(session?.seq ?? -1);
      return saved;
    } finally {
      await store.close();
    }
  }

  /** Started again on the same database: the session resumes, and everything answers as before the kill. */
  async function restartAndCheck(saved: { sessionId: string; sequence: number }): Promise<void> {
    const framesBefore = discord.frames.length;
    const resumesBefore = discord.counters.resumes;
    await service.start();
    // The first thing the new process says on the gateway: op 6 RESUME with what it stored, or op 2 IDENTIFY.
    const opening = (): { op: number; d: unknown }[] => discord.frames.slice(framesBefore).filter((frame) => frame.op === 6 || frame.op === 2);
    await discord.waitFor(() => opening().length > 0, 20_000);
    expect(opening().map((frame) => [frame.op, frame.d])).toEqual([[6, { token: discord.token, session_id: saved.sessionId, seq: saved.sequence }]]);
    // The emulator accepted it (RESUMED, the missed dispatches replayed), not op 9.
    expect(discord.counters.resumes).toBe(resumesBefore + 1);

    // What the API answers now, asked all at once: [what, answered, expected].
    const answers = await Promise.all([
      ...indexes.map(async (i) => [person(i), (await service.call('GET', `/v1/users/${person(i)}/identities`)).body, links(i)]),
      ...[...acknowledged.links].map(async ([userId, accounts]) => [userId, (await service.call('GET', `/v1/users/${userId}/identities`)).body, accounts]),
      ...[...preferencesSet, ...acknowledged.preferences].map(async ([userId, answer]) => [userId, (await service.call('GET', `/v1/users/${userId}/preferences`)).body, answer]),
      ...[readKey, ...acknowledged.keys.values()].map(async (key) => [`key ${key.slice(0, 8)}`, (await service.call('GET', `/v1/presence/${person(0)}`, { token: key })).status, 200]),
    ]);
    expect(answers.filter(([, answered, expected]) => !same(answered, expected))).toEqual([]);
    await eventually(async () => {
      const platforms = (await service.call('GET', '/v1/platforms')).body.platforms as { platform: string; state: string; source: string | null }[];
      const state = (name: string): string | undefined => platforms.find((p) => p.platform === name && (name === 'discord' || p.source === 'stored'))?.state;
      return ['discord', 'slack', 'zoom'].every((name) => state(name) === 'up');
    }, 20_000, 100);
    // The resume replays what the stored sequence had not seen: Discord converges to the emulator's truth.
    await eventually(async () => {
      const { presences } = (await service.call('POST', '/v1/presence/batch', { body: { userIds: indexes.map(person) } })).body;
      return indexes.every((i) => presences[person(i)]?.platforms?.discord?.status === DISCORD_STATUS[discordTruth.get(i) as string]);
    }, 20_000, 100);
  }

  it.each([1, 2])('kill %i: acknowledged writes survive, the database is sound, and the Discord session resumes', async (round) => {
    const committed = await trafficThenKill(round);
    expect(acknowledged.links.size + acknowledged.keys.size).toBeGreaterThan(0);
    const saved = await inspectAfterKill(committed);
    await restartAndCheck(saved);
  }, 90_000);
});
