import type { Platform, PresenceStatus } from '@amo/presence-core';
import { PLATFORM_REGISTRY, type SandboxPersonSeed } from '@amo/presence-sandbox';

/**
 * How the soak changes each platform: the native values a person's account cycles through (each normalizes to a
 * different status than the one before, so every change is observable), how often a person changes on average,
 * and the least time between two changes of one account, longer than the platform takes to see a change (a full
 * polling sweep of 1,000 people; for the recency platforms the 5-minute window, so each signal turns an `away`
 * back to `online`).
 */
export interface PlatformPlan {
  cycle: ReadonlyArray<readonly [native: string, status: PresenceStatus]>;
  meanEveryMs: number;
  minGapMs: number;
  /** What the sandbox starts each account at (the cycle's last value, so the first change is the cycle's first). */
  start: string;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const PLANS: Readonly<Record<Platform, PlatformPlan>> = {
  // Pushed over the gateway at once.
  discord: { cycle: [['online', 'online'], ['idle', 'idle'], ['dnd', 'busy']], meanEveryMs: 30 * MIN, minGapMs: 2 * MIN, start: 'dnd' },
  // Presence is swept (1,000 people: 20 min at Tier 3's 50 reads a minute); DND arrives as a signed event.
  slack: { cycle: [['active', 'online'], ['dnd', 'busy'], ['away', 'away']], meanEveryMs: 3 * HOUR, minGapMs: 60 * MIN, start: 'away' },
  // The batch poll reads everyone each 30 s interval.
  teams: { cycle: [['Available/Available', 'online'], ['Busy/InAMeeting', 'busy'], ['Away/Away', 'away']], meanEveryMs: HOUR, minGapMs: 5 * MIN, start: 'Away/Away' },
  // A signed webhook at once, and the sweep (1,000 people: 100 s at 10 reads a second).
  zoom: { cycle: [['Available', 'online'], ['Do_Not_Disturb', 'busy'], ['Away', 'away']], meanEveryMs: HOUR, minGapMs: 10 * MIN, start: 'Away' },
  // A signed message webhook: online, decaying to away after the recency window.
  whatsapp: { cycle: [['message', 'online']], meanEveryMs: 2 * HOUR, minGapMs: 15 * MIN, start: 'last seen 2h ago' },
  linkedin: { cycle: [['COMMENT', 'online']], meanEveryMs: 4 * HOUR, minGapMs: 15 * MIN, start: 'last seen 2h ago' },
};

export const SOAK_PLATFORMS = Object.keys(PLANS) as Platform[];

/** `count` people, `soak-1`..., each with an account on every platform (ids in the platforms' formats) at its start value. */
export function soakPeople(count: number): SandboxPersonSeed[] {
  const starters = new Map(PLATFORM_REGISTRY.flatMap((entry) => (entry.sandbox ? [[entry.platform, entry.sandbox] as const] : [])));
  return Array.from({ length: count }, (_, index) => {
    const userId = `soak-${index + 1}`;
    const accounts: Partial<Record<Platform, string>> = {};
    const statuses: Partial<Record<Platform, string>> = {};
    for (const platform of SOAK_PLATFORMS) {
      const starter = starters.get(platform);
      if (!starter) throw new Error(`soak: ${platform} has no sandbox starter`);
      accounts[platform] = starter.accountId(index, userId);
      statuses[platform] = PLANS[platform].start;
    }
    return { userId, accounts, statuses };
  });
}

/** A wait drawn from an exponential distribution around the plan's mean divided by `rate`, never shorter than its least gap. */
export function nextGap(plan: PlatformPlan, random: () => number, rate = 1): number {
  return Math.max(plan.minGapMs, Math.round((-Math.log(1 - random()) * plan.meanEveryMs) / rate));
}
