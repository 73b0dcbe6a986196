import { loadavg } from 'node:os';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { type Platform, PresenceAggregator } from '@amo/presence-core';
import { type Sandbox, seededRandom, startSandbox } from '@amo/presence-sandbox';
import { SoakClock } from './soak-clock';
import { nextGap, PLANS, SOAK_PLATFORMS, soakPeople } from './soak-plan';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** How often the driver looks for due changes (virtual time). */
const TICK_MS = 10_000;
/** Platforms whose status is inferred from signals (recency). */
const RECENCY = new Set<Platform>(['whatsapp', 'linkedin']);

export interface SoakOptions {
  hoursEquivalent: number;
  people: number;
  seed?: number;
  /** Changes this many times as often as the plan's means (never closer than each platform's least gap); default 1. */
  changeRate?: number;
  /** Called every virtual hour with how far the run got (for a progress line). */
  progress?(virtualMs: number, of: number): void;
}

/** One platform's changes: made by the emulators, seen by core's presence listener, and how long that took. */
export interface PlatformChanges {
  made: number;
  seen: number;
  /**
   * Of `seen`, recency signals found only in core's reading (its lastSeen): a signal after the previous one's
   * window passed finds the stored status still `online` (decay is computed on read), so no listener fires.
   */
  seenInReading: number;
  missed: number;
  /** Virtual ms from a change on the emulator to the listener seeing its status. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Polls that failed, and the last error. */
  pollErrors: number;
  lastError: string | null;
}

export interface SoakResult {
  hoursEquivalent: number;
  people: number;
  virtualMs: number;
  realMs: number;
  /** Heap used after a full GC at each virtual hour (and at the end), MB. */
  heapMb: Array<{ atHours: number; heapMb: number; rssMb: number }>;
  warmupHours: number;
  memoryGrowth: number;
  eventLoopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
  platforms: Record<Platform, PlatformChanges>;
  /** Connection changes reported by push platforms (a Discord reconnect is one down and one up). */
  connectionChanges: number;
  /** Failures outside the polls: uncaught exceptions, unhandled rejections, deliveries that failed (the first 50). */
  errors: string[];
  errorCount: number;
  missedExamples: string[];
  timersFired: number;
  /** The machine's 1, 5 and 15 min load averages at the end (the delay measures the machine too). */
  loadAverage: number[];
}

interface Pending {
  status: string;
  at: number;
}

/** Heap used after a full collection (V8's gc exposed at run time when the process was started without it). */
function collectedHeap(): { heapMb: number; rssMb: number } {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  const usage = process.memoryUsage();
  return { heapMb: usage.heapUsed / 2 ** 20, rssMb: usage.rss / 2 ** 20 };
}

/**
 * Latencies counted by whole virtual second, so the soak's own bookkeeping stays the same size however long it
 * runs (a list of every latency would grow the heap it measures).
 */
class Latencies {
  private readonly bySecond = new Map<number, number>();
  private count = 0;

  add(ms: number): void {
    const second = Math.round(ms / 1000);
    this.bySecond.set(second, (this.bySecond.get(second) ?? 0) + 1);
    this.count++;
  }

  /** The p-th percentile in ms (to the second). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.min(this.count, Math.floor((p / 100) * this.count) + 1);
    let seen = 0;
    for (const [second, n] of [...this.bySecond].sort((a, b) => a[0] - b[0])) {
      seen += n;
      if (seen >= rank) return second * 1000;
    }
    return 0;
  }

  max(): number {
    return this.count === 0 ? 0 : Math.max(...this.bySecond.keys()) * 1000;
  }
}

/** At most this many failure messages are kept (all are counted). */
const MAX_KEPT_ERRORS = 50;

/**
 * The soak: `people` people with an account on each of the six platforms, the sandbox's emulators (enforcing each
 * platform's limits) and the real adapters, core's real monitoring loop, all on one accelerated clock for
 * `hoursEquivalent` hours; the emulators change statuses on a seeded schedule and core's presence listener must see
 * every change. Memory (heap after GC, each virtual hour), event-loop delay, failures and missed changes are measured.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const random = seededRandom(options.seed ?? 0x50a4);
  const start = Date.now();
  const clock = new SoakClock(start);
  const runMs = options.hoursEquivalent * HOUR;
  // Warm-up: the first tenth of the run (at least 10 min), by which the emulators' logs are full and code is hot.
  const warmupMs = Math.max(10 * MIN, 0.1 * runMs);
  // No change for this long at the end: the slowest platform (Slack's sweep: people / 50 minutes) reads everyone twice.
  const drainMs = Math.max(10 * MIN, 2 * Math.ceil(options.people / 50) * MIN + 5 * MIN);
  const people = soakPeople(options.people);
  const errors: string[] = [];
  let errorCount = 0;
  const fail = (message: string): void => {
    errorCount++;
    if (errors.length < MAX_KEPT_ERRORS) errors.push(message);
  };
  const onUncaught = (error: unknown): void => fail(`uncaught: ${String((error as Error)?.stack ?? error)}`);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  const aggregator = new PresenceAggregator({ clock, scheduler: clock, consentDefault: true });
  for (const person of people) {
    for (const [platform, accountId] of Object.entries(person.accounts) as [Platform, string][]) aggregator.directory.link(person.userId, platform, accountId);
  }
  const pending = new Map<string, Pending>();
  const counts = Object.fromEntries(SOAK_PLATFORMS.map((p) => [p, { made: 0, seen: 0, seenInReading: 0, missed: 0, latencies: new Latencies() }])) as Record<
    Platform,
    { made: number; seen: number; seenInReading: number; missed: number; latencies: Latencies }
  >;
  // Recency signals still waiting: checked against core's reading every tick (see PlatformChanges.seenInReading).
  const pendingSignals = new Set<string>();
  const missedExamples: string[] = [];
  let connectionChanges = 0;
  aggregator.addPresenceListener((userId, platform, presence) => {
    const key = `${userId}\n${platform}`;
    const expected = pending.get(key);
    if (expected && presence.status === expected.status) {
      pending.delete(key);
      pendingSignals.delete(key);
      counts[platform].seen++;
      counts[platform].latencies.add(clock.now() - expected.at);
    }
  });
  aggregator.addPlatformListener(() => void connectionChanges++);

  let sandbox: Sandbox | undefined;
  const heapMb: SoakResult['heapMb'] = [];
  let histogram: IntervalHistogram | undefined;
  const realStart = process.hrtime.bigint();
  try {
    sandbox = await startSandbox({ people, clock, changeEveryMs: 0, random, deliver: (platform, records) => void aggregator.ingest(platform, records) });
    const running = sandbox;
    const adapters = running.createAdapters({ clock, fetch: clock.fetch, budgets: new RateBudgetRegistry(clock), random, pollIntervalMs: aggregator.intervalOf('slack') });
    for (const adapter of Object.values(adapters)) {
      // Time stands still while connecting: a gateway's READY arrives over a socket the clock does not see.
      await clock.hold(adapter.connect());
      aggregator.registerAdapter(adapter);
    }
    await aggregator.startMonitoring();

    // The change schedule: each account's next change, in TICK_MS buckets; the cycle position per account.
    const buckets = new Map<number, Array<[string, Platform]>>();
    const position = new Map<string, number>();
    const plan = (userId: string, platform: Platform, after: number): void => {
      const at = after + nextGap(PLANS[platform], random, options.changeRate);
      if (at >= runMs) return;
      const tick = Math.ceil(at / TICK_MS);
      const bucket = buckets.get(tick) ?? [];
      bucket.push([userId, platform]);
      buckets.set(tick, bucket);
    };
    for (const person of people) for (const platform of SOAK_PLATFORMS) plan(person.userId, platform, 5 * MIN - PLANS[platform].minGapMs);
    const checkSignals = (): void => {
      for (const key of pendingSignals) {
        const [userId, platform] = key.split('\n') as [string, Platform];
        const expected = pending.get(key) as Pending;
        const lastSeen = aggregator.getUserPresence(userId, platform)[platform]?.lastSeen?.getTime();
        // Signal times travel in whole seconds.
        if (lastSeen === undefined || lastSeen < expected.at - 1000) continue;
        pending.delete(key);
        pendingSignals.delete(key);
        counts[platform].seen++;
        counts[platform].seenInReading++;
        counts[platform].latencies.add(clock.now() - expected.at);
      }
    };
    const change = (userId: string, platform: Platform): void => {
      const key = `${userId}\n${platform}`;
      const before = pending.get(key);
      if (before) {
        counts[platform].missed++;
        if (missedExamples.length < 10) missedExamples.push(`${userId} on ${platform}: ${before.status} at ${((before.at - start) / MIN).toFixed(1)} min never seen`);
      }
      const { cycle } = PLANS[platform];
      const index = position.get(key) ?? 0;
      position.set(key, (index + 1) % cycle.length);
      const [native, status] = cycle[index];
      pending.set(key, { status, at: clock.now() });
      if (RECENCY.has(platform)) pendingSignals.add(key);
      counts[platform].made++;
      void clock.hold(running.setStatus(userId, platform, native).catch((error: unknown) => fail(`${platform} change for ${userId} failed: ${String(error)}`)));
    };
    // Every tick until the end of the drain: look for signals in core's reading; until the end of the run: change.
    const total = runMs + drainMs;
    const drive = (tick: number): void => {
      checkSignals();
      for (const [userId, platform] of buckets.get(tick) ?? []) {
        change(userId, platform);
        plan(userId, platform, tick * TICK_MS);
      }
      buckets.delete(tick);
      if ((tick + 1) * TICK_MS < total) clock.setTimeout(() => drive(tick + 1), TICK_MS);
    };
    clock.setTimeout(() => drive(1), TICK_MS);

    // Checkpoints: heap after GC every virtual hour (the first after warm-up is the baseline), the loop's delay after warm-up.
    const sample = (): void => void heapMb.push({ atHours: (clock.now() - start) / HOUR, ...collectedHeap() });
    histogram = monitorEventLoopDelay({ resolution: 10 });
    await clock.until(start + warmupMs);
    sample();
    histogram.enable();
    for (let at = Math.ceil(warmupMs / HOUR + 1e-9) * HOUR; at < total; at += HOUR) {
      await clock.until(start + at);
      sample();
      options.progress?.(at, total);
    }
    await clock.until(start + total);
    checkSignals();
    histogram.disable();
    sample();

    for (const [key, expected] of pending) {
      const platform = key.split('\n')[1] as Platform;
      counts[platform].missed++;
      if (missedExamples.length < 10) missedExamples.push(`${key.replace('\n', ' on ')}: ${expected.status} at ${((expected.at - start) / MIN).toFixed(1)} min never seen`);
    }
  } finally {
    await aggregator.close();
    await sandbox?.close();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  }

  const stats = aggregator.getPresenceStatistics().platforms;
  const platforms = Object.fromEntries(
    SOAK_PLATFORMS.map((platform) => {
      const c = counts[platform];
      const stat = stats[platform];
      return [
        platform,
        {
          made: c.made,
          seen: c.seen,
          seenInReading: c.seenInReading,
          missed: c.missed,
          latencyP50Ms: c.latencies.percentile(50),
          latencyP99Ms: c.latencies.percentile(99),
          latencyMaxMs: c.latencies.max(),
          pollErrors: stat?.errors ?? 0,
          lastError: stat?.lastError ? `${stat.lastError.code}: ${stat.lastError.message}` : null,
        },
      ];
    }),
  ) as Record<Platform, PlatformChanges>;
  const warm = heapMb[0]?.heapMb ?? 0;
  const end = heapMb.at(-1)?.heapMb ?? 0;
  return {
    hoursEquivalent: options.hoursEquivalent,
    people: options.people,
    virtualMs: clock.now() - start,
    realMs: Number(process.hrtime.bigint() - realStart) / 1e6,
    heapMb,
    warmupHours: warmupMs / HOUR,
    memoryGrowth: warm > 0 ? (end - warm) / warm : 0,
    eventLoopDelay: histogram
      ? { p50Ms: histogram.percentile(50) / 1e6, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 }
      : { p50Ms: 0, p99Ms: 0, maxMs: 0 },
    platforms,
    connectionChanges,
    errors,
    errorCount,
    missedExamples,
    timersFired: clock.fired,
    loadAverage: loadavg(),
  };
}
