/* eslint-disable @nx/enforce-module-boundaries -- the tests drive the real adapters against their emulators; the library itself imports only core */
import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import type { EmulatorRequest } from '@amo/presence-adapter-kit/testing';
import { createSlackAdapter } from '@amo/presence-adapter-slack';
import { SlackEmulator } from '@amo/presence-adapter-slack/testing';
import { createTeamsAdapter, teamsPresenceBucket } from '@amo/presence-adapter-teams';
import { GraphEmulator } from '@amo/presence-adapter-teams/testing';
import { createZoomAdapter } from '@amo/presence-adapter-zoom';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
/* eslint-enable @nx/enforce-module-boundaries */
import { type Platform, PresenceAggregator, type PresenceAdapter, type RateBudgetSpec } from '@amo/presence-core';
import { RedisLink } from '../redis-link';
import { disposeLink, testPrefix } from '../redis-link.spec-helper';
import { ClusterPolling } from './cluster-polling';
import { type BudgetClock, SharedBudgets } from './shared-budgets';

/** One platform as the tests drive it: its emulator with scaled-down limits, and each instance's adapter. */
export interface TestPlatform {
  platform: Platform;
  ids: string[];
  /** Platform time: the emulator's, the adapters', the budgets' and the planners' (BullMQ's locks stay real). */
  clock: BudgetClock;
  /** Buckets as the emulator enforces them; every instance's registry defines them first (the adapters pace by them). */
  buckets: RateBudgetSpec[];
  adapter(registry: RateBudgetRegistry, fetch: typeof globalThis.fetch, intervalMs: number): PresenceAdapter;
  /**
   * How much longer than its window a slot counts in the shared budgets (platform ms). The emulator stamps a request
   * when its handler runs, in this same loaded process: 100 real ms covers that event-loop jitter (real networks need
   * the default's much smaller margin).
   */
  arrivalMarginMs: number;
  /** Presence reads the emulator admitted: [account id, arrival ms]. */
  reads(): [string, number][];
  /** Requests the emulator refused over its budget (429). */
  rejected(): number;
  /** Requests the emulator received, by method. */
  calls(): Record<string, number>;
  /** Whether a request is a presence read (what a gate holds). */
  isRead(url: string): boolean;
  close(): Promise<void>;
}

const admitted = (requests: EmulatorRequest[]): EmulatorRequest[] => requests.filter((req) => req.outcome === 'route');

/**
 * A clock `speed` times faster than real time, from now: a Slack minute (its tiers' window) passes in
 * 60 / speed real seconds, so the published tiers can be run for several windows in a test.
 */
export function fastClock(speed: number): BudgetClock {
  const start = Date.now();
  return {
    now: () => start + (Date.now() - start) * speed,
    setTimeout: (callback, ms) => setTimeout(callback, ms / speed),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

/** Slack with its published tiers (presence 50, DND 20, status 100 a minute), on a clock `speed` times faster. */
export async function slackPlatform(people: number, speed = 30): Promise<TestPlatform> {
  const clock = fastClock(speed);
  const emulator = await SlackEmulator.start({ keepAlive: true, clock });
  const ids = emulator.addUsers(people);
  return {
    platform: 'slack',
    ids,
    clock,
    buckets: [],
    arrivalMarginMs: 100 * speed,
    adapter: (budgets, fetch, pollIntervalMs) => createSlackAdapter({ botToken: emulator.botToken, baseUrl: emulator.baseUrl, pollIntervalMs }, { budgets, fetch, clock }),
    reads: () => admitted(emulator.calls('users.getPresence')).map((req) => [req.query.user, req.at]),
    rejected: () => emulator.overBudgetCount(),
    calls: () => Object.fromEntries((['users.getPresence', 'dnd.teamInfo', 'users.profile.get'] as const).flatMap((m) => [[m, emulator.calls(m).length], [`${m} 429`, emulator.overBudgetCount(m)]])),
    isRead: (url) => /users\.getPresence|dnd\.teamInfo|users\.profile\.get/.test(url),
    close: () => emulator.close(),
  };
}

/** Teams with the tenant's presence budget scaled down (2 calls a second), 650 ids a call. */
export async function teamsPlatform(people: number, budget = { limit: 2, windowMs: 1_000 }): Promise<TestPlatform> {
  const emulator = await GraphEmulator.start({ budget });
  const ids = emulator.addUsers(people);
  const tenantId = emulator.tenant.tenantId;
  return {
    platform: 'teams',
    ids,
    clock: { now: () => Date.now() },
    arrivalMarginMs: 100,
    buckets: [{ bucket: teamsPresenceBucket(tenantId), ...budget }],
    adapter: (budgets, fetch) => createTeamsAdapter({ credentials: emulator.credentials() }, { budgets, fetch }),
    reads: () => admitted(emulator.presenceBatchRequests()).flatMap((req) => (req.body as { ids: string[] }).ids.map((id): [string, number] => [id, req.at])),
    rejected: () => emulator.overBudgetCount(),
    calls: () => ({ getPresencesByUserId: emulator.presenceBatchRequests().length }),
    isRead: (url) => /getPresencesByUserId/.test(url),
    close: () => emulator.close(),
  };
}

/** Zoom with the account's limit scaled down (5 reads a second), one id a call. */
export async function zoomPlatform(people: number, rateLimit = { limit: 5, windowMs: 1_000 }): Promise<TestPlatform> {
  const ids = Array.from({ length: people }, (_, i) => `zu${String(i).padStart(4, '0')}`);
  const emulator = await ZoomEmulator.start({ rateLimit, users: ids.map((id) => ({ id, status: 'Available' })) });
  return {
    platform: 'zoom',
    ids,
    clock: { now: () => Date.now() },
    arrivalMarginMs: 100,
    buckets: [],
    adapter: (budgets, fetch) =>
      createZoomAdapter({ credentials: emulator.credentials, apiBaseUrl: emulator.apiBaseUrl, oauthBaseUrl: emulator.oauthBaseUrl, rateBudget: rateLimit }, { budgets, fetch }),
    reads: () => admitted(emulator.presenceRequests()).map((req): [string, number] => [decodeURIComponent(req.path.split('/')[3]), req.at]),
    rejected: () => emulator.server.overBudgetCount(),
    calls: () => ({ presence_status: emulator.presenceRequests().length }),
    isRead: (url) => /presence_status/.test(url),
    close: () => emulator.close(),
  };
}

/** Holds an instance's platform reads while closed (a worker stuck mid-job); `fail()` ends them as a crash would. */
export class Gate {
  private closed = false;
  private readonly held: { resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(private readonly isRead: (url: string) => boolean) {}

  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (this.closed && this.isRead(url)) await new Promise<void>((resolve, reject) => this.held.push({ resolve, reject }));
    return globalThis.fetch(input, init);
  };

  close(): void {
    this.closed = true;
  }

  get holding(): number {
    return this.held.length;
  }

  open(): void {
    this.closed = false;
    for (const waiter of this.held.splice(0)) waiter.resolve();
  }

  fail(): void {
    for (const waiter of this.held.splice(0)) waiter.reject(new Error('the process died'));
  }
}

export interface TestInstance {
  id: string;
  link: RedisLink;
  aggregator: PresenceAggregator;
  polling: ClusterPolling;
  gate: Gate;
  dead: boolean;
}

export interface ClusterOptions {
  /** The Redis the spec was given (PRESENCE_TEST_REDIS_URL). */
  redisUrl: string;
  instances: number;
  /** The poll interval, in platform time. */
  intervalMs: number;
  lockMs: number;
  leaseMs: number;
  /** Each instance's budgets are in-process only: the wrong behaviour the shared window fixes (to see tests fail). */
  unshared?: boolean;
}

/** N instances of one platform's polling, each with its own link, budgets, core and adapter, on one Redis prefix. */
export class TestCluster {
  readonly prefix = testPrefix('polling');
  readonly instances: TestInstance[] = [];
  readonly startedAt = Date.now();

  private constructor(
    readonly platform: TestPlatform,
    readonly options: ClusterOptions,
  ) {}

  static async start(platform: TestPlatform, options: ClusterOptions): Promise<TestCluster> {
    const cluster = new TestCluster(platform, options);
    try {
      for (let n = 0; n < options.instances; n++) await cluster.add(`i${n}`);
      // Polling starts once every adapter has connected: a connect probe that cannot wait for a slot (Teams') is
      // let through on what its instance last saw of the window, so one made while a job holds the window's room
      // could pass the limit (see SharedBudget.tryTake); these tests count the workers' polling.
      for (const instance of cluster.instances) instance.polling.start();
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  async add(id: string): Promise<TestInstance> {
    const { platform, options } = this;
    const link = new RedisLink({ url: options.redisUrl, keyPrefix: this.prefix });
    await link.ready();
    const { clock } = platform;
    const budgets = new SharedBudgets({ link, instanceId: id, clock, arrivalMarginMs: () => platform.arrivalMarginMs });
    const registry = options.unshared ? new RateBudgetRegistry() : new RateBudgetRegistry(undefined, { create: (spec) => budgets.budget(spec) });
    for (const spec of platform.buckets) registry.define(spec);
    const gate = new Gate(platform.isRead);
    const adapter = platform.adapter(registry, gate.fetch, options.intervalMs);
    await adapter.connect();
    const aggregator = new PresenceAggregator({ clock, polling: 'external', pollIntervalMs: options.intervalMs, consentDefault: true });
    aggregator.registerAdapter(adapter);
    platform.ids.forEach((account, index) => aggregator.directory.link(`person-${index}`, platform.platform, account));
    await aggregator.startMonitoring([platform.platform]);
    const polling = new ClusterPolling({ link, target: aggregator, budgets, clock, instanceId: id, leaseMs: options.leaseMs, lockMs: options.lockMs, checkEveryMs: 25 });
    const instance = { id, link, aggregator, polling, gate, dead: false };
    this.instances.push(instance);
    return instance;
  }

  /** The instance planning the platform now, if any. */
  planner(): TestInstance | undefined {
    return this.instances.find((instance) => !instance.dead && instance.polling.stats()[this.platform.platform]?.planner);
  }

  /** What SIGKILL does: the instance stops at once, its job unfinished, its leases and locks left to expire. */
  async kill(instance: TestInstance): Promise<void> {
    instance.dead = true;
    instance.link.commands.disconnect();
    await instance.polling.abandon();
    instance.gate.fail();
    await instance.aggregator.close();
  }

  async close(): Promise<void> {
    for (const instance of this.instances) instance.gate.open();
    await Promise.all(this.instances.filter((i) => !i.dead).map(async (i) => {
      await i.polling.close();
      await i.aggregator.close();
    }));
    await disposeLink(new RedisLink({ url: this.options.redisUrl, keyPrefix: this.prefix }));
    await Promise.all(this.instances.filter((i) => !i.dead).map((i) => i.link.close()));
    await this.platform.close();
  }
}

/**
 * The longest any person waited between two admitted reads inside [from, until]; the wait from a person's last
 * read to `until` (or from `from` for someone never read) counts too, so nobody who stopped being read is missed.
 */
export function longestGap(ids: readonly string[], reads: readonly [string, number][], from: number, until: number): { gapMs: number; who?: string } {
  const last = new Map<string, number>();
  let gapMs = 0;
  let who: string | undefined;
  for (const [id, at] of [...reads].sort((a, b) => a[1] - b[1])) {
    if (at < from || at > until) continue;
    const gap = at - (last.get(id) ?? from);
    if (gap > gapMs) [gapMs, who] = [gap, id];
    last.set(id, at);
  }
  for (const id of ids) {
    const gap = until - (last.get(id) ?? from);
    if (gap > gapMs) [gapMs, who] = [gap, id];
  }
  return { gapMs, who };
}
