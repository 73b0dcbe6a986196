import type { Clock, Platform } from '@amo/presence-core';
import type { Queue } from 'bullmq';
import { chunk, pollPlan } from './poll-plan';
import type { PollState } from './poll-state';
import type { PollJobData, PollTarget } from './poll-target';

/** What one planning round did (for logs, tests and the bench). */
export interface PlannedTick {
  tick: number;
  people: number;
  jobs: number;
  /** Jobs of earlier ticks still waiting, dropped (their people first in line again). */
  reclaimed: number;
}

/**
 * Plans one platform's polling, on the one instance that holds the platform's planner lease: once per poll
 * interval (ticks aligned to the epoch, so every instance agrees which tick it is) it enqueues the people read
 * longest ago, as many as the budget re-reads in an interval, in jobs with deterministic ids (`slack-<tick>-<n>`).
 * A planner that takes over from a dead one never plans a tick twice: the tick is committed in Redis after its
 * jobs are added, and re-adding a job id that exists is a no-op.
 */
export class PollPlanner {
  /** The last tick this planner saw planned (saves a read per check). */
  private lastTick = -1;
  /** How many accounts were linked on the platform at the last check. */
  private linked: number | undefined;

  constructor(
    private readonly platform: Platform,
    private readonly target: PollTarget,
    private readonly state: PollState,
    private readonly queue: Queue<PollJobData>,
    private readonly clock: Clock,
  ) {}

  /** Plans the current tick if nobody has; call it often (each check), with the lease held. */
  async planIfDue(): Promise<PlannedTick | undefined> {
    const capabilities = this.target.adapter(this.platform)?.capabilities;
    if (!capabilities?.poll) return undefined;
    const intervalMs = this.target.intervalOf(this.platform);
    const now = this.clock.now();
    const tick = now - (now % intervalMs);
    if (tick <= this.lastTick) return undefined;
    const planned = await this.state.lastPlannedTick();
    if (tick <= planned) {
      this.lastTick = planned;
      return undefined;
    }
    const { reclaimed, busy } = await this.reclaim(tick);
    const monitored = await this.state.withoutForgotten(this.target.monitoredAccounts(this.platform), now);
    const plan = pollPlan(capabilities, intervalMs, monitored.length);
    const picked = await this.state.pick(monitored, plan.perTick, busy);
    const jobs = chunk(picked, plan.jobSize).map((ids, n) => ({
      name: 'poll',
      data: { platform: this.platform, tick, ids, slots: plan.slotsPerJob, holdMs: intervalMs },
      opts: { jobId: `${this.platform}-${tick}-${n}` },
    }));
    if (jobs.length > 0) await this.queue.addBulk(jobs);
    await this.state.commit(tick);
    this.lastTick = tick;
    return { tick, people: picked.length, jobs: jobs.length, reclaimed };
  }

  /**
   * Between ticks: when people were linked since the last check, the ones never read are planned at once (at most
   * a tick's worth), as `pollSoon` brings the loop's next poll forward, so a new link is read within seconds, not
   * at the next tick (an interval may be long). Their job belongs to the current tick. A planner's first check
   * looks too: it may have just taken the lease over, and a link made while another instance planned (or none did)
   * must not wait for the next tick.
   */
  async planNewlyLinked(): Promise<PlannedTick | undefined> {
    const linked = this.target.directory.peopleOn(this.platform).size;
    const before = this.linked;
    this.linked = linked;
    const capabilities = this.target.adapter(this.platform)?.capabilities;
    if ((before !== undefined && linked <= before) || this.lastTick < 0 || !capabilities?.poll) return undefined;
    const now = this.clock.now();
    const intervalMs = this.target.intervalOf(this.platform);
    const monitored = await this.state.withoutForgotten(this.target.monitoredAccounts(this.platform), now);
    const busy = new Set<string>();
    for (const job of await this.queue.getJobs(['active', 'wait', 'prioritized', 'delayed'])) for (const id of job?.data.ids ?? []) busy.add(id);
    const plan = pollPlan(capabilities, intervalMs, monitored.length);
    const fresh = (await this.state.neverRead(monitored.filter((id) => !busy.has(id)))).slice(0, plan.perTick);
    const tick = this.lastTick;
    const jobs = chunk(fresh, plan.jobSize).map((ids, n) => ({
      name: 'poll',
      data: { platform: this.platform, tick, ids, slots: plan.slotsPerJob, holdMs: intervalMs },
      opts: { jobId: `${this.platform}-${tick}-new${now}-${n}` },
    }));
    if (jobs.length > 0) await this.queue.addBulk(jobs);
    return { tick, people: fresh.length, jobs: jobs.length, reclaimed: 0 };
  }

  /**
   * Jobs of earlier ticks still waiting mean the cluster fell behind (no worker alive, or a tick's work outlasted
   * the tick): they are dropped, and their people, not read, are still first in line. So the queue never holds
   * more than one tick of work. The people of a job running now are not planned again (`busy`).
   */
  private async reclaim(tick: number): Promise<{ reclaimed: number; busy: Set<string> }> {
    const busy = new Set<string>();
    let reclaimed = 0;
    for (const job of await this.queue.getJobs(['active', 'wait', 'prioritized', 'delayed'])) {
      if (!job) continue;
      if (job.data.tick < tick && (await job.remove().then(() => true, () => false))) {
        reclaimed++;
        continue;
      }
      // Running (a removal refused: a worker holds it), or already of this tick.
      for (const id of job.data.ids) busy.add(id);
    }
    return { reclaimed, busy };
  }
}
