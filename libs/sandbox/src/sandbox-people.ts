import { type Platform, PLATFORMS } from '@amo/presence-core';
import { SANDBOX_NATIVES } from './sandbox-natives';
import type { SandboxPersonSeed } from './sandbox.types';
import { pick, seededRandom } from './seeded-random';

const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter'];

/**
 * The first six people, written out so the seed's success criterion holds at a glance: each uses several
 * platforms with different statuses, and the two policies disagree about alice and carol (online beats busy
 * under highest-priority; busy wins under busy-wins). An empty WhatsApp/LinkedIn entry is an account never seen.
 */
const SCRIPTED: ReadonlyArray<Partial<Record<Platform, string | null>>> = [
  { discord: 'online', slack: 'away', teams: 'Busy/InAMeeting', zoom: 'In_A_Zoom_Meeting', whatsapp: 'message' },
  { discord: 'idle', slack: 'active', teams: 'Away/Away', linkedin: 'last seen 2h ago' },
  { discord: 'dnd', teams: 'Available/Available', zoom: 'Away', whatsapp: 'last seen 30m ago' },
  { slack: 'away', teams: 'Offline/OffWork', zoom: 'Available', linkedin: 'COMMENT' },
  { discord: 'offline', slack: 'dnd', zoom: 'Do_Not_Disturb', whatsapp: null },
  { discord: 'online', teams: 'BeRightBack/BeRightBack', zoom: 'Offline', linkedin: null },
];

/** The account id person number `index` has on a platform, in that platform's own id format. */
export function sandboxAccountId(platform: Platform, index: number, userId: string): string {
  const n = index + 1;
  switch (platform) {
    case 'discord':
      return String(80351110224678912n + BigInt(n)); // a snowflake
    case 'slack':
      return `U0SBX${String(n).padStart(4, '0')}`;
    case 'teams':
      return `5a1db0c5-0000-4000-8000-${n.toString(16).padStart(12, '0')}`; // an Entra object id (GUID)
    case 'zoom':
      return `${userId}@sandbox.example`; // Zoom reads presence by user id or email
    case 'whatsapp':
      return `1555010${String(1000 + n)}`; // a wa_id (the phone number)
    case 'linkedin':
      return `urn:li:person:sbx${String(n).padStart(6, '0')}`;
  }
}

/** The seed for a random person: three to five platforms, each at a random native value. */
function randomStatuses(random: () => number, platforms: readonly Platform[]): Partial<Record<Platform, string | null>> {
  const shuffled = [...platforms].sort(() => random() - 0.5);
  const count = Math.min(shuffled.length, 3 + Math.floor(random() * 3));
  return Object.fromEntries(shuffled.slice(0, count).map((platform) => [platform, pick(random, SANDBOX_NATIVES[platform])]));
}

/**
 * The sample people: alice, bob, carol, dave, erin and frank as scripted above, then random ones (grace, heidi,
 * ..., then person-20 and on). Only the given platforms are used; a scripted person left with fewer than two
 * of them gets random ones added, so everyone is on at least two platforms when two exist.
 */
export function samplePeople(count: number, platforms: readonly Platform[] = PLATFORMS, random: () => number = seededRandom()): SandboxPersonSeed[] {
  const people: SandboxPersonSeed[] = [];
  for (let index = 0; index < count; index++) {
    const userId = NAMES[index] ?? `person-${index + 1}`;
    const scripted = SCRIPTED[index];
    let plan: Partial<Record<Platform, string | null>> = {};
    if (scripted) plan = Object.fromEntries(Object.entries(scripted).filter(([platform]) => platforms.includes(platform as Platform)));
    if (Object.keys(plan).length < Math.min(2, platforms.length)) plan = { ...randomStatuses(random, platforms), ...plan };
    const accounts: Partial<Record<Platform, string>> = {};
    const statuses: Partial<Record<Platform, string>> = {};
    for (const platform of PLATFORMS) {
      if (!(platform in plan)) continue;
      accounts[platform] = sandboxAccountId(platform, index, userId);
      const native = plan[platform];
      if (native) statuses[platform] = native;
    }
    people.push({ userId, accounts, statuses });
  }
  return people;
}
