import { InvalidInputError, parsePlatform, PLATFORMS, type Platform } from '@amo/presence-core';

/** What `npm run live-check -- ...` was asked to do. */
export interface LiveCheckArgs {
  /** Only these platforms (default: every platform with credentials). */
  platforms?: Platform[];
  /** Ids for every platform checked (`--people U1,U2`). */
  people: string[];
  /** Ids for one platform (`--people slack:U1,zoom:a@example.com`). */
  peopleByPlatform: Partial<Record<Platform, string[]>>;
  /** How many accounts to read when no ids are given and the platform can list them. */
  limit: number;
  help: boolean;
}

export const USAGE = [
  'usage: npm run live-check -- [--platform discord,slack,...] [--people id,id | --people slack:U1,zoom:a@example.com] [--limit N]',
  '  --platform  check only these platforms (default: every platform whose credentials are set)',
  '  --people    the platform account ids to read; "platform:id" gives an id to one platform only',
  '  --limit     without --people: how many accounts to read where the platform can list them (default 3)',
].join('\n');

function listValue(argv: readonly string[], index: number, flag: string): string[] {
  const value = argv[index + 1];
  if (value === undefined || value.startsWith('--')) throw new InvalidInputError(`${flag} needs a value`);
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}

/** Parses the flags (`--flag value` or `--flag=value`); throws InvalidInputError naming the bad one. */
export function parseArgs(argv: readonly string[]): LiveCheckArgs {
  const args: LiveCheckArgs = { people: [], peopleByPlatform: {}, limit: 3, help: false };
  const flat = argv.flatMap((arg) => (arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg]));
  for (let i = 0; i < flat.length; i++) {
    const flag = flat[i];
    if (flag === '--help' || flag === '-h') {
      args.help = true;
    } else if (flag === '--platform' || flag === '--platforms') {
      args.platforms = listValue(flat, i++, flag).map((name) => parsePlatform(name));
    } else if (flag === '--people') {
      for (const id of listValue(flat, i++, flag)) addPerson(args, id);
    } else if (flag === '--limit') {
      const limit = Number(listValue(flat, i++, flag)[0]);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidInputError('--limit must be a whole number from 1 to 100');
      args.limit = limit;
    } else {
      throw new InvalidInputError(`unknown argument ${flag}`);
    }
  }
  return args;
}

function addPerson(args: LiveCheckArgs, id: string): void {
  const colon = id.indexOf(':');
  const prefix = colon > 0 ? id.slice(0, colon).toLowerCase() : '';
  // LinkedIn ids are URNs (urn:li:person:...): only a platform name before the colon targets a platform.
  if ((PLATFORMS as readonly string[]).includes(prefix)) {
    const platform = prefix as Platform;
    (args.peopleByPlatform[platform] ??= []).push(id.slice(colon + 1));
  } else {
    args.people.push(id);
  }
}

/** The ids to read on one platform: its own ones, then the shared ones. */
export function peopleFor(args: LiveCheckArgs, platform: Platform): string[] {
  return [...new Set([...(args.peopleByPlatform[platform] ?? []), ...args.people])];
}
