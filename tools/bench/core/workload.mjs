// The benchmark's workload, shared by the project and the floor: N people x 6 platforms, each reading a random
// native status built into a PlatformPresence the way each adapter builds it (core's normalize functions).
import { setTimeout as sleep } from 'node:timers/promises';

export const PLATFORMS = ['discord', 'slack', 'teams', 'zoom', 'whatsapp', 'linkedin'];
export const BATCH = 100;
export const READS = 200_000;
export const AVAILABILITY_IDS = 1_000;

/** Enough rounds over everyone for at least 1.2 M readings (and two rounds: first sight, then updates). */
export function roundsFor(people) {
  return Math.max(2, Math.ceil(1_200_000 / (people * PLATFORMS.length)));
}

/** xorshift32: the same cheap random stream in every column. */
export function random(seed = 0x2545f491) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

export function people(count) {
  const userIds = new Array(count);
  const accounts = PLATFORMS.map(() => new Array(count));
  for (let i = 0; i < count; i++) {
    userIds[i] = `person-${i}`;
    accounts[0][i] = String(100_000_000_000_000_000n + BigInt(i)); // Discord snowflake
    accounts[1][i] = `U${(0x10000000 + i).toString(16).toUpperCase()}`; // Slack
    accounts[2][i] = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`; // Entra object id
    accounts[3][i] = `zoom${i.toString(36)}`; // Zoom user id
    accounts[4][i] = String(15_550_000_000 + i); // wa_id
    accounts[5][i] = `urn:li:person:${i.toString(36)}`; // LinkedIn URN
  }
  return { userIds, accounts };
}

/**
 * One record builder per platform, as the adapters build them (discord.presence, slack.state, teams.presence,
 * zoom.presence, the kit's recencyRecord for WhatsApp and LinkedIn). `core` provides the normalize functions.
 */
export function recordBuilders(core) {
  const discord = Object.keys(core.DISCORD_STATUS);
  const slack = Object.keys(core.SLACK_PRESENCE);
  const availability = Object.keys(core.TEAMS_AVAILABILITY);
  const activity = Object.keys(core.TEAMS_ACTIVITY);
  const zoom = Object.keys(core.ZOOM_STATUS);
  const kinds = ['message', 'read', 'reaction'];
  return [
    (accountId, r, nowMs) => {
      const raw = discord[r % discord.length];
      const normalized = core.normalizeDiscord(raw);
      const record = { platform: 'discord', accountId, status: normalized.status, observedAt: new Date(nowMs), unrecognized: !normalized.recognized };
      if (typeof raw === 'string') record.rawStatus = raw;
      return record;
    },
    (accountId, r, nowMs) => {
      const presence = slack[r % slack.length];
      const normalized = core.normalizeSlack(presence, r % 16 === 0);
      const record = { platform: 'slack', accountId, status: normalized.status, rawStatus: presence, observedAt: new Date(nowMs) };
      if (normalized.activity !== undefined) record.activity = normalized.activity;
      if (!normalized.recognized) record.unrecognized = true;
      return record;
    },
    (accountId, r, nowMs) => {
      const a = availability[r % availability.length];
      const b = activity[(r >>> 8) % activity.length];
      const normalized = core.normalizeTeams(a, b);
      const record = { platform: 'teams', accountId, status: normalized.status, observedAt: new Date(nowMs) };
      record.rawStatus = `${a}/${b}`;
      if (normalized.activity !== undefined) record.activity = normalized.activity;
      if (!normalized.recognized) record.unrecognized = true;
      return record;
    },
    (accountId, r, nowMs) => {
      const rawStatus = zoom[r % zoom.length];
      const normalized = core.normalizeZoom(rawStatus);
      const record = { platform: 'zoom', accountId, status: normalized.status, rawStatus, observedAt: new Date(nowMs), unrecognized: !normalized.recognized };
      if (normalized.activity !== undefined) record.activity = normalized.activity;
      return record;
    },
    ...['whatsapp', 'linkedin'].map((platform) => (accountId, r, nowMs) => {
      // A strong signal (a message, a read receipt...) seen now; its kind is the native value.
      const lastSeen = new Date(nowMs);
      return { platform, accountId, status: core.recencyStatus(lastSeen, nowMs), rawStatus: kinds[r % kinds.length], lastSeen, observedAt: lastSeen };
    }),
  ];
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** RSS after a full GC, in MB (the process is started with --expose-gc). */
export async function settledRssMb() {
  global.gc?.();
  await sleep(50);
  global.gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
}
