import { InvalidInputError, PLATFORMS, type Platform } from '@amo/presence-core';
import { checkPlatform, type PlatformCheck } from './check-platform';
import { type LiveCheckArgs, parseArgs, peopleFor, USAGE } from './cli-args';
import { isSecretVariable, platformNeeds } from './platform-needs';
import { formatCheck, formatNeeds, formatSummary } from './report';
import { type AppConfig, ConfigError, ENV_NAMES, loadConfig, PLATFORM_REGISTRY } from './service-wiring';

/** Where the check writes, and what it reads: injected so a test runs it in process. */
export interface LiveCheckIo {
  env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

/** Exit codes: every checked platform read without error; something failed; nothing to check or bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Every secret value in the environment, longest first, so no line can carry one (error messages included). */
function redactor(env: LiveCheckIo['env']): (line: string) => string {
  const secrets = Object.entries(env)
    .filter(([name, value]) => isSecretVariable(name) && typeof value === 'string' && value.trim().length >= 4)
    .map(([, value]) => (value as string).trim())
    .sort((a, b) => b.length - a.length);
  return (line) => secrets.reduce((text, secret) => text.split(secret).join('[secret]'), line);
}

function printNeeds(platforms: readonly Platform[], write: (line: string) => void): void {
  write('Each platform reads these environment variables (the same as the service; values are never printed):');
  for (const platform of platforms) write(formatNeeds(platformNeeds(platform)));
  const baseUrls = ENV_NAMES.filter((name) => name.endsWith('_BASE_URL'));
  write(`Base URLs default to the platforms' own; ${baseUrls.join(', ')} point them elsewhere (an emulator, a proxy).`);
}

function readConfig(env: LiveCheckIo['env']): AppConfig {
  // The check always uses the credentials it is given, whatever sandbox mode the service would pick.
  return loadConfig({ ...env, PRESENCE_SANDBOX: 'false' });
}

/**
 * `npm run live-check`: connects every configured platform (or those named by --platform) with the real adapter
 * libraries, wired exactly as the service wires them, and prints what it read. Returns the exit code.
 */
export async function runLiveCheck(argv: readonly string[], io: LiveCheckIo): Promise<number> {
  const redact = redactor(io.env);
  const out = (line: string): void => io.out(redact(line));
  const err = (line: string): void => io.err(redact(line));
  let args: LiveCheckArgs;
  let config: AppConfig;
  try {
    args = parseArgs(argv);
    if (args.help) {
      out(USAGE);
      printNeeds(PLATFORMS, out);
      return EXIT.ok;
    }
    config = readConfig(io.env);
  } catch (error) {
    if (!(error instanceof InvalidInputError || error instanceof ConfigError)) throw error;
    err(`live-check: ${error.message}`);
    if (error instanceof InvalidInputError) err(USAGE);
    return EXIT.usage;
  }
  const selected = args.platforms ?? [...PLATFORMS];
  const configured = selected.filter((platform) => config.credentials[platform] !== undefined);
  const missing = selected.filter((platform) => config.credentials[platform] === undefined);
  if (configured.length === 0) {
    err(`live-check: no credentials for ${args.platforms ? selected.join(', ') : 'any platform'} in the environment.`);
    printNeeds(selected, err);
    return EXIT.usage;
  }

  const checks: PlatformCheck[] = [];
  for (const platform of configured) {
    const descriptor = PLATFORM_REGISTRY.find((candidate) => candidate.platform === platform);
    if (!descriptor) throw new Error(`presence-api registers no ${platform} adapter`);
    const check = await checkPlatform({
      descriptor,
      credentials: config.credentials[platform] ?? {},
      config,
      ids: peopleFor(args, platform),
      limit: args.limit,
      fetch: io.fetch,
    });
    checks.push(check);
    for (const line of formatCheck(check, config.baseUrls[descriptor.apiEndpoint])) out(line);
  }
  if (args.platforms && missing.length > 0) {
    out('== asked for, but not configured:');
    for (const platform of missing) out(formatNeeds(platformNeeds(platform)));
  }
  for (const line of formatSummary(checks, args.platforms ? missing : [])) out(line);
  const failed = checks.some((check) => check.error) || (args.platforms !== undefined && missing.length > 0);
  return failed ? EXIT.failed : EXIT.ok;
}
