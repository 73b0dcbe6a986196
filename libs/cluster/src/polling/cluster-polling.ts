import { type Clock, type Platform, systemClock } from '@amo/presence-core';
import { Queue, type RedisOptions, Worker } from 'bullmq';
import Redis from 'ioredis';
import { LeaseKeeper } from '../lease';
import type { RedisLink } from '../redis-link';
import { PollPlanner } from './poll-planner';
import { PollState } from './poll-state';
import { type PollJobData, type PollJobResult, type PollTarget, queueName } from './poll-target';
import { pollJobRunner, type PollWorkerStats } from './poll-worker';
import type { SharedBudgets } from './shared-budgets';

export interface ClusterPollingOptions {
  /** The instance's link: its prefix is the queues' prefix too. */
  link: RedisLink;
  /** This instance's core, built with `polling: 'external'`. */
  target: PollTarget;
  /** The cluster's platform budgets; the adapters of `target` spend the same ones (the kit's registry `create`s them). */
  budgets: SharedBudgets;
  instanceId: string;
  /** How long a planner's lease lasts without renewal (PRESENCE_LEASE_SECONDS). */
  leaseMs: number;
  /**
   * How long a job's lock lasts without renewal: a worker that died mid-job has its job run by another one
   * within this plus half of it (the stalled check). Default 10 s.
   */
  lockMs?: number;
  /** How often the platforms and ticks are checked (ms). Default 1,000. */
  checkEveryMs?: number;
  /** How long a forgotten account stays out of every plan and batch (ms), whatever an instance still believes. Default 60 s. */
  forgetForMs?: number;
  clock?: Clock;
  logger?: { log(message: string): void; warn(message: string): void };
}

interface PlatformRun {
  worker: Worker<PollJobData, PollJobResult>;
  keeper: LeaseKeeper;
  planner: PollPlanner;
  stats: PollWorkerStats;
}

/**
 * Polling spread over a cluster with BullMQ: for every platform this instance's core polls (monitoring started,
 * adapter able to poll), a worker that runs the platform's poll jobs through the core, and a planner that plans
 * them while this instance holds the platform's planner lease (one planner per platform in the cluster). Every
 * platform queue runs one job at a time cluster-wide (BullMQ's global concurrency): the budget, not the CPU,
 * bounds a platform, and a job then holds what the single process's budget would offer its step (see
 * {@link SharedBudgets}). A worker that dies mid-job loses its lock; BullMQ's stalled check gives the job to
 * another worker.
 *
 * `forget` works on every instance (an API instance erasing a person too); `start` runs workers and planners
 * (roles `worker` and `all`).
 */
export class ClusterPolling {
  private readonly clock: Clock;
  private readonly lockMs: number;
  private readonly runs = new Map<Platform, PlatformRun>();
  private readonly queues = new Map<Platform, Queue<PollJobData>>();
  private readonly states = new Map<Platform, PollState>();
  private queueConnection?: Redis;
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private running = false;
  /** Aborted at close: a job waiting for budget goes on at once, so stopping never waits out a tick. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: ClusterPollingOptions) {
    this.clock = options.clock ?? systemClock;
    this.lockMs = options.lockMs ?? 10_000;
  }

  /** Starts checking: workers and planners follow the platforms the core monitors. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.timer = setInterval(() => void this.check(), this.options.checkEveryMs ?? 1_000);
    this.timer.unref();
    void this.check();
  }

  /** One check (also run by the timer): starts or stops each platform's worker and planner, plans due ticks. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /**
   * Takes accounts out of polling everywhere: they leave the round robin, are tombstoned for `forgetForMs` (no
   * planner plans them, no worker reads them), leave every queued or delayed job (a job left empty is removed);
   * a job a worker already runs with them is waited for. When it resolves, nothing reads them any more.
   */
  async forget(platform: Platform, accountIds: readonly string[]): Promise<void> {
    if (accountIds.length === 0) return;
    const gone = new Set(accountIds);
    await this.stateOf(platform).forget([...gone], this.clock.now() + (this.options.forgetForMs ?? 60_000));
    const queue = this.queueOf(platform);
    const touched: string[] = [];
    for (const job of await queue.getJobs(['active', 'wait', 'prioritized', 'delayed'])) {
      if (!job?.id || !job.data.ids.some((id) => gone.has(id))) continue;
      touched.push(job.id);
      const kept = job.data.ids.filter((id) => !gone.has(id));
      if (kept.length === 0 && (await job.remove().then(() => true, () => false))) continue;
      // A worker may hold it (active): its copy in Redis still loses them, so a re-run after a stall never reads them.
      await job.updateData({ ...job.data, ids: kept }).catch(() => undefined);
    }
    // Jobs that were active, or became active before their data changed, still read the old list: wait them out
    // (locks are in real time: a worker that died mid-job lets its job go within the lock and a stalled check).
    const deadline = performance.now() + 3 * this.lockMs;
    for (;;) {
      const states = await Promise.all(touched.map((id) => queue.getJobState(id)));
      if (!states.includes('active')) return;
      if (performance.now() > deadline) {
        this.options.logger?.warn(`${platform}: a poll job holding forgotten accounts is still active after ${3 * this.lockMs} ms`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** What this instance's workers did, per platform running here. */
  stats(): Partial<Record<Platform, PollWorkerStats & { planner: boolean }>> {
    const out: Partial<Record<Platform, PollWorkerStats & { planner: boolean }>> = {};
    for (const [platform, run] of this.runs) out[platform] = { ...run.stats, planner: run.keeper.holding };
    return out;
  }

  /** The platform's state in Redis (the round robin, tombstones), for tools and tests. */
  stateOf(platform: Platform): PollState {
    let state = this.states.get(platform);
    if (!state) {
      state = new PollState(this.options.link, platform);
      this.states.set(platform, state);
    }
    return state;
  }

  /** The platform's queue (opened on first use). */
  queueOf(platform: Platform): Queue<PollJobData> {
    let queue = this.queues.get(platform);
    if (!queue) {
      this.queueConnection ??= new Redis(bullConnection(this.options.link));
      queue = new Queue<PollJobData>(queueName(platform), {
        connection: this.queueConnection,
        prefix: bullPrefix(this.options.link.prefix),
        defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
      });
      queue.on('error', (error) => this.options.logger?.warn(`${platform} poll queue: ${error.message}`));
      this.queues.set(platform, queue);
    }
    return queue;
  }

  /** Stops planning (leases released, so another instance plans at once), lets running jobs finish, closes. */
  async close(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    if (this.timer) clearInterval(this.timer);
    await this.checking;
    await Promise.all([...this.runs.keys()].map((platform) => this.stopPlatform(platform)));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
    await this.queueConnection?.quit().catch(() => this.queueConnection?.disconnect());
    this.queueConnection = undefined;
  }

  /**
   * Stops at once, as a crash would (tests use it, after cutting the link, for SIGKILL): a job in hand is neither
   * finished nor given back, so BullMQ's stalled check hands it to another worker once its lock expires; a lease
   * is released only if the link still works (a crashed process's does not, and the lease expires).
   */
  async abandon(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    const runs = [...this.runs.values()];
    this.runs.clear();
    await Promise.all(runs.map((run) => Promise.all([run.keeper.stop(), run.worker.close(true).catch(() => undefined)])));
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
    this.queues.clear();
    this.queueConnection?.disconnect();
    this.queueConnection = undefined;
  }

  private async checkOnce(): Promise<void> {
    const { target } = this.options;
    const polled = new Set(this.running ? target.platforms().filter((p) => target.isMonitoring(p) && target.adapter(p)?.capabilities.poll) : []);
    for (const platform of polled) if (!this.runs.has(platform)) await this.startPlatform(platform);
    for (const platform of [...this.runs.keys()]) if (!polled.has(platform)) await this.stopPlatform(platform);
    for (const [platform, run] of this.runs) {
      if (!run.keeper.holding) continue;
      try {
        const planned = (await run.planner.planIfDue()) ?? (await run.planner.planNewlyLinked());
        if (planned && planned.reclaimed > 0) this.options.logger?.warn(`${platform}: ${planned.reclaimed} poll jobs of earlier ticks were still waiting; their people go first`);
      } catch (error) {
        this.options.logger?.warn(`${platform}: planning failed: ${(error as Error).message}`);
      }
    }
  }

  private async startPlatform(platform: Platform): Promise<void> {
    const { link, target, budgets, instanceId, leaseMs } = this.options;
    const queue = this.queueOf(platform);
    // One job per platform at a time in the whole cluster (idempotent; every instance sets the same).
    await queue.setGlobalConcurrency(1);
    const state = this.stateOf(platform);
    const stats: PollWorkerStats = { jobs: 0, read: 0, again: 0, forgotten: 0, failedJobs: 0 };
    const worker = new Worker<PollJobData, PollJobResult>(queueName(platform), pollJobRunner(platform, target, state, budgets, this.clock, stats, this.stopping.signal), {
      connection: bullConnection(link),
      prefix: bullPrefix(link.prefix),
      name: instanceId,
      concurrency: 1,
      lockDuration: this.lockMs,
      stalledInterval: Math.max(100, Math.floor(this.lockMs / 2)),
      // A job that stalls again and again (its workers keep dying) fails; its people are planned again anyway.
      maxStalledCount: 3,
      drainDelay: 1,
    });
    worker.on('failed', (job, error) => {
      stats.failedJobs++;
      this.options.logger?.warn(`${platform}: poll job ${job?.id ?? '?'} failed: ${error.message}`);
    });
    worker.on('error', (error) => this.options.logger?.warn(`${platform} poll worker: ${error.message}`));
    const keeper = new LeaseKeeper(link, `poll-planner:${platform}`, {
      holder: instanceId,
      ttlMs: leaseMs,
      onError: (error) => this.options.logger?.warn(`${platform} planner lease: ${error.message}`),
    });
    keeper.on('acquired', () => this.options.logger?.log(`${platform}: this instance plans the polling`));
    keeper.start();
    this.runs.set(platform, { worker, keeper, planner: new PollPlanner(platform, target, state, queue, this.clock), stats });
  }

  private async stopPlatform(platform: Platform): Promise<void> {
    const run = this.runs.get(platform);
    if (!run) return;
    this.runs.delete(platform);
    await run.keeper.stop();
    await run.worker.close();
  }
}

/** BullMQ's connection settings from the link's: the same server, with no per-request retry limit (BullMQ's requirement). */
export function bullConnection(link: RedisLink): RedisOptions {
  const { host, port, path, db, username, password, tls, family } = link.commands.options;
  return { host, port, path, db, username, password, tls, family, maxRetriesPerRequest: null };
}

/** BullMQ joins prefix and queue name with ':': a link prefix `presence:` gives keys `presence:poll-slack:...`. */
export function bullPrefix(prefix: string): string {
  return prefix.endsWith(':') ? prefix.slice(0, -1) : prefix;
}
