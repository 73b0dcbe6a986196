import { type Clock, systemClock } from '@amo/presence-core';
import type { RedisLink } from './redis-link';

/** What an instance says about itself at each heartbeat. */
export interface InstanceReport {
  id: string;
  /** `api`, `worker` or `all`. */
  role: string;
  /** When the instance started (epoch ms). */
  startedAt: number;
  /** Its platforms' health as it sees them, by platform (JSON: what the app reports per platform). */
  platforms: Record<string, unknown>;
}

/** An instance whose last heartbeat has not expired. */
export interface LiveInstance extends InstanceReport {
  /** When it last reported (epoch ms, its own clock). */
  heartbeatAt: number;
}

export interface InstanceRegistryOptions {
  link: RedisLink;
  /** What this instance reports now; called at every heartbeat. */
  report: () => InstanceReport;
  /** How long one heartbeat keeps the instance listed (default 15 s): a killed instance drops out within it. */
  ttlMs?: number;
  /** Time between heartbeats (default a third of the TTL, so two can be lost without dropping out). */
  intervalMs?: number;
  clock?: Clock;
}

export const DEFAULT_INSTANCE_TTL_MS = 15_000;

/**
 * The cluster's live instances, for `/health` and `/v1/platforms`: each instance heartbeats its report under
 * `<prefix>instance:<id>` with a TTL (PX), and its id into the set `<prefix>instances`, the index that lists
 * them without scanning the keyspace. An id whose key expired (the instance died) is left out of the list and
 * removed from the index by the next `list()`. A heartbeat that fails (Redis down) is retried at the next one.
 */
export class InstanceRegistry {
  private readonly ttlMs: number;
  private readonly intervalMs: number;
  private readonly clock: Clock;
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;

  constructor(private readonly options: InstanceRegistryOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_INSTANCE_TTL_MS;
    this.intervalMs = options.intervalMs ?? Math.max(1, Math.floor(this.ttlMs / 3));
    this.clock = options.clock ?? systemClock;
  }

  /** Heartbeats now (resolves once the first one is stored, or failed), then every `intervalMs` until `stop()`. */
  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
    await this.refresh();
  }

  /** Stores this instance's report now; throws while Redis is down. */
  async beat(): Promise<void> {
    const report = this.options.report();
    const entry: LiveInstance = { ...report, heartbeatAt: this.clock.now() };
    const { link } = this.options;
    const results = await link.commands
      .multi()
      .set(link.key('instance', report.id), JSON.stringify(entry), 'PX', this.ttlMs)
      .sadd(link.key('instances'), report.id)
      .exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }

  /** Every instance with a live heartbeat, this one included once it has beaten, ordered by id. */
  async list(): Promise<LiveInstance[]> {
    const { link } = this.options;
    const ids = (await link.commands.smembers(link.key('instances'))).sort();
    if (ids.length === 0) return [];
    const values = await link.commands.mget(ids.map((id) => link.key('instance', id)));
    const gone = ids.filter((_, i) => values[i] === null);
    if (gone.length > 0) await link.commands.srem(link.key('instances'), ...gone);
    return values.flatMap((value) => (value === null ? [] : [JSON.parse(value) as LiveInstance]));
  }

  /** Stops heartbeating and leaves the list at once (a clean shutdown); a killed instance drops out by TTL. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    const { link } = this.options;
    const id = this.options.report().id;
    await link.commands
      .multi()
      .del(link.key('instance', id))
      .srem(link.key('instances'), id)
      .exec()
      .catch(() => undefined);
  }

  /**
   * A heartbeat now, out of turn (what the instance reports just changed); never throws. Heartbeats run one at a
   * time: one asked for while another is under way is that one.
   */
  refresh(): Promise<void> {
    // One heartbeat at a time: a slow one is not overtaken (and then overwritten) by the next.
    this.beating ??= this.beat()
      .catch(() => undefined)
      .finally(() => {
        this.beating = undefined;
      });
    return this.beating;
  }
}
