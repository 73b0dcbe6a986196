import type { PlatformSandboxStarter } from '@amo/presence-adapter-kit/testing';
import { InvalidInputError, type Platform } from '@amo/presence-core';
import { PLATFORM_REGISTRY, type PlatformRegistry } from './platform-registry';
import type { SandboxPersonSeed } from './sandbox.types';
import { pick, seededRandom } from './seeded-random';

const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter'];

/** The registry's platforms that have a sandbox starter, by name, in registry order. */
export function sandboxStarters(registry: PlatformRegistry): Map<Platform, PlatformSandboxStarter> {
  return new Map(registry.flatMap((entry) => (entry.sandbox ? [[entry.platform, entry.sandbox] as const] : [])));
}

/** The starters of the chosen platforms (in registry order); a chosen platform without one is refused. */
export function startersFor(registry: PlatformRegistry, platforms?: readonly Platform[]): Map<Platform, PlatformSandboxStarter> {
  const starters = sandboxStarters(registry);
  if (platforms === undefined) return starters;
  for (const platform of platforms) {
    if (!starters.has(platform)) throw new InvalidInputError(`sandbox: ${platform} has no sandbox starter in the registry`);
  }
  return new Map([...starters].filter(([platform]) => platforms.includes(platform)));
}

/** The seed for a random person: three to five platforms, each at a random native value. */
function randomStatuses(random: () => number, starters: ReadonlyMap<Platform, PlatformSandboxStarter>): Partial<Record<Platform, string | null>> {
  const shuffled = [...starters.keys()].sort(() => random() - 0.5);
  const count = Math.min(shuffled.length, 3 + Math.floor(random() * 3));
  return Object.fromEntries(shuffled.slice(0, count).map((platform) => [platform, pick(random, starters.get(platform)?.natives ?? [])]));
}

/** What each platform's starter scripts for this person (alice, bob, ... as the starters write them). */
function scripted(userId: string, starters: ReadonlyMap<Platform, PlatformSandboxStarter>): Partial<Record<Platform, string | null>> {
  const plan: Partial<Record<Platform, string | null>> = {};
  for (const [platform, starter] of starters) {
    const native = starter.samplePeople?.[userId];
    if (native !== undefined) plan[platform] = native;
  }
  return plan;
}

/**
 * The sample people: alice, bob, carol, dave, erin and frank as each platform's starter scripts them, then
 * random ones (grace, heidi, ..., then person-20 and on). Only the given platforms are used (default: every
 * platform of the registry with a starter); a scripted person left with fewer than two of them gets random ones
 * added, so everyone is on at least two platforms when two exist. Account ids are in each platform's format.
 */
export function samplePeople(
  count: number,
  platforms?: readonly Platform[],
  random: () => number = seededRandom(),
  registry: PlatformRegistry = PLATFORM_REGISTRY,
): SandboxPersonSeed[] {
  const starters = startersFor(registry, platforms);
  const people: SandboxPersonSeed[] = [];
  for (let index = 0; index < count; index++) {
    const userId = NAMES[index] ?? `person-${index + 1}`;
    let plan = scripted(userId, starters);
    if (Object.keys(plan).length < Math.min(2, starters.size)) plan = { ...randomStatuses(random, starters), ...plan };
    const accounts: Partial<Record<Platform, string>> = {};
    const statuses: Partial<Record<Platform, string>> = {};
    for (const [platform, starter] of starters) {
      if (!(platform in plan)) continue;
      accounts[platform] = starter.accountId(index, userId);
      const native = plan[platform];
      if (native) statuses[platform] = native;
    }
    people.push({ userId, accounts, statuses });
  }
  return people;
}
