import { type AggregationPolicyName, parseAggregationPolicy, parsePlatform, type Platform } from '@amo/presence-core';
import { PLATFORM_REGISTRY } from '@amo/presence-sandbox';

/** The platforms the demo can show: every platform of the registry that has a sandbox starter, in its order. */
export const DEMO_PLATFORMS: readonly Platform[] = PLATFORM_REGISTRY.filter((entry) => entry.sandbox !== undefined).map((entry) => entry.platform);

export interface DemoOptions {
  people: number;
  platforms: Platform[];
  policy: AggregationPolicyName;
  /** Run this long, then exit; undefined runs until Ctrl-C. */
  durationMs?: number;
  once: boolean;
}

export const USAGE = `Usage: npm run demo -- [options]
  --people N              sample people (default 6: alice, bob, carol, dave, erin, frank)
  --platforms a,b,...     ${DEMO_PLATFORMS.join(',')} (default all)
  --policy NAME           highest-priority (default) or busy-wins
  --duration 30s          stop after this long (ms, s, m; default: until Ctrl-C)
  --once                  print one table and exit`;

/** A bad flag: the CLI prints the message and the usage, and exits 2. */
export class DemoUsageError extends Error {}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new DemoUsageError(`--duration: expected a time like 30s, 2m or 500ms, got ${JSON.stringify(text)}`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']);
}

/** Reads the demo's flags (`--name value` or `--name=value`); throws DemoUsageError with a clear message. */
export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  const options: DemoOptions = { people: 6, platforms: [...DEMO_PLATFORMS], policy: 'highest-priority', once: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new DemoUsageError(`${flag} needs a value`);
      return next;
    };
    try {
      if (flag === '--once') options.once = true;
      else if (flag === '--people') options.people = peopleCount(value());
      else if (flag === '--platforms') options.platforms = platformList(value());
      else if (flag === '--policy') options.policy = parseAggregationPolicy(value());
      else if (flag === '--duration') options.durationMs = parseDuration(value());
      else throw new DemoUsageError(`unknown option ${flag}`);
    } catch (error) {
      throw error instanceof DemoUsageError ? error : new DemoUsageError(`${flag}: ${(error as Error).message}`);
    }
  }
  return options;
}

function peopleCount(text: string): number {
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > 200) throw new DemoUsageError(`--people: expected a whole number from 1 to 200, got ${JSON.stringify(text)}`);
  return count;
}

function platformList(text: string): Platform[] {
  const chosen = new Set(text.split(',').map((name) => name.trim()).filter(Boolean).map(parsePlatform));
  if (chosen.size === 0) throw new DemoUsageError('--platforms: name at least one platform');
  const missing = [...chosen].filter((platform) => !DEMO_PLATFORMS.includes(platform));
  if (missing.length > 0) throw new DemoUsageError(`--platforms: ${missing.join(', ')} has no sandbox here`);
  return DEMO_PLATFORMS.filter((platform) => chosen.has(platform));
}
