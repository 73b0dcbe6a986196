import type { PlatformSandboxStarter, RunningPlatformSandbox, SandboxAccount } from '@amo/presence-adapter-kit/testing';
import { type Clock, type EndpointValues, InvalidInputError, parsePlatform, type Platform, type PresenceAdapter, systemClock } from '@amo/presence-core';
import { InitialSignals } from './initial-signals';
import { PLATFORM_REGISTRY, type RegisteredPlatform } from './platform-registry';
import { samplePeople, startersFor } from './sandbox-people';
import type { Sandbox, SandboxAdapterDeps, SandboxOptions, SandboxPerson, SandboxPersonSeed } from './sandbox.types';
import { seededRandom } from './seeded-random';
import { StatusChanges } from './status-changes';
import { SandboxWebhookReceiver } from './webhook-receiver';

const DEFAULT_CHANGE_EVERY_MS = 5000;

/** One platform as it runs: its descriptor, its starter's sample data, its emulator. */
interface RunningPlatform {
  descriptor: RegisteredPlatform;
  starter: PlatformSandboxStarter;
  emulator: RunningPlatformSandbox;
}

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

/** The accounts of people on one platform, with their starting native values. */
function accountsOn(platform: Platform, people: readonly SandboxPersonSeed[]): SandboxAccount[] {
  return people.flatMap((person) => {
    const accountId = person.accounts[platform];
    return accountId === undefined ? [] : [{ userId: person.userId, accountId, native: person.statuses[platform] }];
  });
}

/** A starter must answer with the endpoints and credentials its descriptor reads; a mismatch is a bug in the pair. */
function checkAgainstDescriptor(descriptor: RegisteredPlatform, emulator: RunningPlatformSandbox): void {
  const keys = new Set(descriptor.endpoints.map((endpoint) => endpoint.key));
  const unknown = Object.keys(emulator.endpoints).filter((key) => !keys.has(key));
  if (unknown.length > 0) throw new Error(`sandbox: ${descriptor.platform}'s starter answers endpoints its descriptor does not have: ${unknown.join(', ')}`);
  descriptor.parseCredentials(emulator.credentials);
}

class RunningSandbox implements Sandbox {
  readonly people: SandboxPerson[];
  readonly baseUrls: EndpointValues;
  readonly credentials: Partial<Record<Platform, Record<string, string>>>;
  private readonly current = new Map<string, string>();
  private readonly down = new Set<Platform>();
  private readonly changes: StatusChanges;
  private readonly signals = new InitialSignals();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly running: ReadonlyMap<Platform, RunningPlatform>,
    seeds: readonly SandboxPersonSeed[],
    private readonly options: SandboxOptions & { random: () => number; hooks: string | undefined },
    private readonly receiver: SandboxWebhookReceiver | undefined,
  ) {
    this.people = seeds.map(({ userId, accounts }) => ({ userId, accounts: { ...accounts } }));
    for (const seed of seeds) {
      for (const [platform, native] of Object.entries(seed.statuses)) this.current.set(`${seed.userId}\n${platform}`, native);
    }
    const platforms = [...running.values()];
    this.baseUrls = Object.assign({}, ...platforms.map((p) => p.emulator.endpoints));
    this.credentials = Object.fromEntries(platforms.map((p) => [p.descriptor.platform, { ...p.emulator.credentials }]));
    this.changes = new StatusChanges(this, options.random);
  }

  get platforms(): Platform[] {
    return [...this.running.keys()];
  }

  /** Sends the starting values of platforms whose status is inferred from signals (the others started in their state). */
  sendInitialSignals(seeds: readonly SandboxPersonSeed[]): void {
    for (const seed of seeds) {
      for (const [platform, native] of Object.entries(seed.statuses) as [Platform, string][]) {
        const running = this.running.get(platform);
        const accountId = seed.accounts[platform];
        if (running?.descriptor.capabilities.inferred && accountId !== undefined) void this.signals.send(running.emulator, accountId, native);
      }
    }
  }

  webhookUrl(platform: Platform): string | undefined {
    const running = this.running.get(platform);
    return running && running.descriptor.webhooks.length > 0 && this.options.hooks !== undefined ? `${this.options.hooks}/v1/webhooks/${platform}` : undefined;
  }

  async setStatus(userId: string, platform: Platform, nativeValue: string): Promise<void> {
    const running = this.running.get(parsePlatform(platform));
    const accountId = this.people.find((person) => person.userId === userId)?.accounts[platform];
    if (!running || accountId === undefined) throw new InvalidInputError(`sandbox: ${userId} has no ${platform} account`);
    if (typeof nativeValue !== 'string' || nativeValue.trim() === '') throw new InvalidInputError('sandbox: a native status is a non-empty string');
    this.current.set(`${userId}\n${platform}`, nativeValue);
    await running.emulator.apply(accountId, nativeValue);
  }

  nativeStatus(userId: string, platform: Platform): string | undefined {
    return this.current.get(`${userId}\n${platform}`);
  }

  /** The native values random changes pick from on a platform (its starter's). */
  natives(platform: Platform): readonly string[] {
    return this.running.get(platform)?.starter.natives ?? [];
  }

  outage(platform: Platform, on: boolean): void {
    const running = this.running.get(parsePlatform(platform));
    if (!running) throw new InvalidInputError(`sandbox: ${platform} is not started`);
    if (on) this.down.add(platform);
    else this.down.delete(platform);
    running.emulator.outage(on);
  }

  isOut(platform: Platform): boolean {
    return this.down.has(platform);
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
    return Object.fromEntries([...this.running].map(([platform, running]) => [platform, running.emulator.createAdapter(deps)]));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.changes.stop();
      this.signals.close();
      await Promise.allSettled([...this.running.values()].map((running) => running.emulator.close()));
      await this.receiver?.close();
    })();
    return this.closing;
  }
}

/**
 * Starts the sandbox from a registry of platforms (default this build's): the emulator of each chosen platform
 * that has a sandbox starter, on 127.0.0.1 (ephemeral ports), the sample people on them with different statuses
 * across platforms, and (unless `changeEveryMs` is 0) random changes over time. Webhooks go to
 * `<publicUrl>/v1/webhooks/<platform>` for platforms whose descriptor has webhook routes. The result is
 * presence-api's `SandboxEnvironment` plus scripting (`setStatus`, `outage`, `startChanges`) and `createAdapters`
 * for apps that use the libraries directly.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock: Clock = options.clock ?? systemClock;
  const registry = options.registry ?? PLATFORM_REGISTRY;
  const starters = startersFor(registry, options.platforms?.map(parsePlatform));
  if (starters.size === 0) throw new InvalidInputError('sandbox: at least one platform is needed');
  const platforms = [...starters.keys()];
  const random = options.random ?? seededRandom();
  const seeds = typeof options.people === 'object' ? [...options.people] : samplePeople(options.people ?? 6, platforms, random, registry);
  checkPeople(seeds, platforms);
  const receiver = options.deliver ? await SandboxWebhookReceiver.start(options.deliver) : undefined;
  const hooks = receiver?.url ?? options.publicUrl?.replace(/\/+$/, '');
  const servicePush = options.servicePush ?? (options.publicUrl !== undefined && !options.deliver);
  const descriptors = new Map(registry.map((entry) => [entry.platform, entry]));
  const started = await Promise.allSettled(
    [...starters].map(async ([platform, starter]): Promise<RunningPlatform> => {
      const descriptor = descriptors.get(platform) as RegisteredPlatform;
      const webhookUrl = hooks !== undefined && descriptor.webhooks.length > 0 ? `${hooks}/v1/webhooks/${platform}` : undefined;
      const emulator = await starter.start({ clock, accounts: accountsOn(platform, seeds), webhookUrl, servicePush });
      try {
        checkAgainstDescriptor(descriptor, emulator);
      } catch (error) {
        await emulator.close();
        throw error;
      }
      return { descriptor, starter, emulator };
    }),
  );
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.allSettled(running.map((p) => p.emulator.close()));
    await receiver?.close();
    throw failure.reason;
  }
  const byPlatform = new Map(running.map((p) => [p.descriptor.platform, p]));
  receiver?.attach(new Map(running.map((p) => [p.descriptor.platform, p.emulator])));
  const sandbox = new RunningSandbox(byPlatform, seeds, { ...options, random, hooks }, receiver);
  sandbox.sendInitialSignals(seeds);
  if ((options.changeEveryMs ?? DEFAULT_CHANGE_EVERY_MS) > 0) sandbox.startChanges();
  return sandbox;
}
