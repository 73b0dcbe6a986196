import { type Clock, InvalidInputError, parsePlatform, type Platform, PLATFORMS, type PresenceAdapter, systemClock } from '@amo/presence-core';
import { InitialSignals } from './initial-signals';
import { startDiscordSandbox } from './platforms/discord.sandbox';
import { startLinkedInSandbox } from './platforms/linkedin.sandbox';
import { accountsOn, type PlatformSandbox, type PlatformSandboxContext } from './platforms/platform-sandbox';
import { startSlackSandbox } from './platforms/slack.sandbox';
import { startTeamsSandbox } from './platforms/teams.sandbox';
import { startWhatsAppSandbox } from './platforms/whatsapp.sandbox';
import { startZoomSandbox } from './platforms/zoom.sandbox';
import { samplePeople } from './sandbox-people';
import type { Sandbox, SandboxAdapterDeps, SandboxBaseUrls, SandboxOptions, SandboxPerson, SandboxPersonSeed } from './sandbox.types';
import { seededRandom } from './seeded-random';
import { StatusChanges } from './status-changes';
import { SandboxWebhookReceiver } from './webhook-receiver';

const STARTERS: Record<Platform, (ctx: PlatformSandboxContext) => Promise<PlatformSandbox>> = {
  discord: startDiscordSandbox,
  slack: startSlackSandbox,
  teams: startTeamsSandbox,
  zoom: startZoomSandbox,
  whatsapp: startWhatsAppSandbox,
  linkedin: startLinkedInSandbox,
};

/** Platforms whose state lives only in delivered signals: their starting values are sent, not set. */
const SIGNAL_ONLY: ReadonlySet<Platform> = new Set(['whatsapp', 'linkedin']);

const DEFAULT_CHANGE_EVERY_MS = 5000;

function checkPeople(seeds: readonly SandboxPersonSeed[], platforms: readonly Platform[]): void {
  const ids = new Set<string>();
  for (const seed of seeds) {
    if (ids.has(seed.userId)) throw new InvalidInputError(`sandbox people: ${seed.userId} appears twice`);
    ids.add(seed.userId);
    for (const platform of Object.keys(seed.accounts)) {
      if (!platforms.includes(parsePlatform(platform))) {
        throw new InvalidInputError(`sandbox people: ${seed.userId} has a ${platform} account, but ${platform} is not started`);
      }
    }
  }
}

class RunningSandbox implements Sandbox {
  readonly people: SandboxPerson[];
  readonly baseUrls: Partial<SandboxBaseUrls> = {};
  readonly credentials: Partial<Record<Platform, Record<string, string>>> = {};
  private readonly natives = new Map<string, string>();
  private readonly changes: StatusChanges;
  private readonly signals: InitialSignals;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly running: ReadonlyMap<Platform, PlatformSandbox>,
    seeds: readonly SandboxPersonSeed[],
    private readonly options: SandboxOptions & { random: () => number; hooks: string | undefined },
    private readonly receiver: SandboxWebhookReceiver | undefined,
  ) {
    this.people = seeds.map(({ userId, accounts }) => ({ userId, accounts: { ...accounts } }));
    for (const seed of seeds) {
      for (const [platform, native] of Object.entries(seed.statuses)) this.natives.set(`${seed.userId}\n${platform}`, native);
    }
    for (const sandbox of running.values()) {
      Object.assign(this.baseUrls, sandbox.baseUrls);
      this.credentials[sandbox.platform] = { ...sandbox.credentials };
    }
    this.changes = new StatusChanges(this, options.random);
    this.signals = new InitialSignals();
  }

  get platforms(): Platform[] {
    return PLATFORMS.filter((platform) => this.running.has(platform));
  }

  /** Sends the recency platforms' starting signals (the others started in their state). */
  sendInitialSignals(seeds: readonly SandboxPersonSeed[]): void {
    for (const seed of seeds) {
      for (const [platform, native] of Object.entries(seed.statuses) as [Platform, string][]) {
        const sandbox = this.running.get(platform);
        const accountId = seed.accounts[platform];
        if (sandbox && accountId !== undefined && SIGNAL_ONLY.has(platform)) void this.signals.send(sandbox, accountId, native);
      }
    }
  }

  webhookUrl(platform: Platform): string | undefined {
    return this.running.has(platform) && this.options.hooks !== undefined ? `${this.options.hooks}/v1/webhooks/${platform}` : undefined;
  }

  async setStatus(userId: string, platform: Platform, nativeValue: string): Promise<void> {
    const sandbox = this.running.get(parsePlatform(platform));
    const accountId = this.people.find((person) => person.userId === userId)?.accounts[platform];
    if (!sandbox || accountId === undefined) throw new InvalidInputError(`sandbox: ${userId} has no ${platform} account`);
    if (typeof nativeValue !== 'string' || nativeValue.trim() === '') throw new InvalidInputError('sandbox: a native status is a non-empty string');
    this.natives.set(`${userId}\n${platform}`, nativeValue);
    await sandbox.apply(accountId, nativeValue);
  }

  nativeStatus(userId: string, platform: Platform): string | undefined {
    return this.natives.get(`${userId}\n${platform}`);
  }

  outage(platform: Platform, on: boolean): void {
    const sandbox = this.running.get(parsePlatform(platform));
    if (!sandbox) throw new InvalidInputError(`sandbox: ${platform} is not started`);
    sandbox.outage(on);
  }

  isOut(platform: Platform): boolean {
    return this.running.get(platform)?.down ?? false;
  }

  startChanges(everyMs?: number): void {
    this.changes.start(everyMs ?? (this.options.changeEveryMs || DEFAULT_CHANGE_EVERY_MS));
  }

  stopChanges(): void {
    this.changes.stop();
  }

  changeOnce(): ReturnType<Sandbox['changeOnce']> {
    return this.changes.tick();
  }

  createAdapters(deps: SandboxAdapterDeps = {}): Partial<Record<Platform, PresenceAdapter>> {
    const adapters: Partial<Record<Platform, PresenceAdapter>> = {};
    for (const [platform, sandbox] of this.running) adapters[platform] = sandbox.createAdapter(deps);
    return adapters;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.changes.stop();
      this.signals.close();
      await Promise.allSettled([...this.running.values()].map((sandbox) => sandbox.close()));
      await this.receiver?.close();
    })();
    return this.closing;
  }
}

/**
 * Starts the sandbox: the emulators of the chosen platforms on 127.0.0.1 (ephemeral ports), the sample people
 * on them with different statuses across platforms, and (unless `changeEveryMs` is 0) random changes over time.
 * The result is presence-api's `SandboxEnvironment` plus scripting (`setStatus`, `outage`, `startChanges`) and
 * `createAdapters` for apps that use the libraries directly.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock: Clock = options.clock ?? systemClock;
  const platforms = PLATFORMS.filter((platform) => (options.platforms ?? PLATFORMS).map(parsePlatform).includes(platform));
  if (platforms.length === 0) throw new InvalidInputError('sandbox: at least one platform is needed');
  const random = options.random ?? seededRandom();
  const seeds = typeof options.people === 'object' ? [...options.people] : samplePeople(options.people ?? 6, platforms, random);
  checkPeople(seeds, platforms);
  const receiver = options.deliver ? await SandboxWebhookReceiver.start(options.deliver) : undefined;
  const hooks = receiver?.url ?? options.publicUrl?.replace(/\/+$/, '');
  const teamsPush = options.teamsPush ?? (options.publicUrl !== undefined && !options.deliver);
  const started = await Promise.allSettled(
    platforms.map((platform) =>
      STARTERS[platform]({ clock, accounts: accountsOn(platform, seeds), webhookUrl: hooks === undefined ? undefined : `${hooks}/v1/webhooks/${platform}`, teamsPush }),
    ),
  );
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.allSettled(running.map((sandbox) => sandbox.close()));
    await receiver?.close();
    throw failure.reason;
  }
  receiver?.attach(running);
  const sandbox = new RunningSandbox(new Map(running.map((s) => [s.platform, s])), seeds, { ...options, random, hooks }, receiver);
  sandbox.sendInitialSignals(seeds);
  if ((options.changeEveryMs ?? DEFAULT_CHANGE_EVERY_MS) > 0) sandbox.startChanges();
  return sandbox;
}
