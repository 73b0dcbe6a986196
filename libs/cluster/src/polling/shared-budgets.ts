import { randomBytes } from 'node:crypto';
import { type BudgetUse, type Clock, PresenceError, type RateBudgetSpec, systemClock } from '@amo/presence-core';
import type Redis from 'ioredis';
import type { RedisLink } from '../redis-link';

/**
 * The adapter kit's `RateBudget`, which {@link SharedBudget} implements (libs/cluster depends on core only, so the
 * kit's interface is restated, not imported; the app hands these to the kit's `RateBudgetRegistry({ create })`).
 */
export interface PlatformRateBudget {
  readonly spec: RateBudgetSpec;
  take(signal?: AbortSignal): Promise<void>;
  tryTake(): boolean;
  availableInMs(): number;
  pauseUntil(epochMs: number): void;
  use(): BudgetUse;
  pausedUntil(): number | undefined;
}

/**
 * One bucket's window for the whole cluster: a sorted set of slots (score = when the request was sent, or until
 * when a reserved slot may still be sent) and a pause key (a Retry-After). In one step it settles this instance's
 * spent slots at their real send times (never later than reserved: `LT`), releases the ones it did not spend,
 * drops what left the window, and reserves up to `want` slots scored `hold`. Returns {granted, wait ms for the
 * next slot when fewer than wanted, slots in the window, paused until}.
 *
 * KEYS: window, pause. ARGV: now, span (window + arrival margin), limit, want, hold, member prefix, n spent,
 * (member, sent at) x n, n released, member x n, n added (spent without a reservation), (member, sent at) x n.
 */
const EXCHANGE_SCRIPT = `
local now = tonumber(ARGV[1])
local span = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local want = tonumber(ARGV[4])
local hold = tonumber(ARGV[5])
local prefix = ARGV[6]
local i = 7
local spent = tonumber(ARGV[i])
i = i + 1
for _ = 1, spent do
  redis.call('ZADD', KEYS[1], 'XX', 'LT', ARGV[i + 1], ARGV[i])
  i = i + 2
end
local released = tonumber(ARGV[i])
i = i + 1
for _ = 1, released do
  redis.call('ZREM', KEYS[1], ARGV[i])
  i = i + 1
end
local added = tonumber(ARGV[i])
i = i + 1
for _ = 1, added do
  redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i])
  i = i + 2
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - span)
local used = redis.call('ZCARD', KEYS[1])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local granted = 0
if paused <= now and want > 0 then
  granted = math.max(0, math.min(want, limit - used))
  for n = 1, granted do redis.call('ZADD', KEYS[1], hold, prefix .. n) end
end
local wait = 0
if granted < want then
  if paused > now then
    wait = paused - now
  else
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    if oldest[2] then wait = math.max(1, tonumber(oldest[2]) + span - now) end
  end
end
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if newest[2] then redis.call('PEXPIRE', KEYS[1], math.ceil(tonumber(newest[2]) + span - now) + 1000) end
return {granted, wait, used + granted, paused}
`;

/** A Retry-After for the whole cluster: the pause only ever moves later. KEYS: pause. ARGV: until, now. */
const PAUSE_SCRIPT = `
local untilMs = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current and untilMs > now then redis.call('SET', KEYS[1], ARGV[1], 'PX', math.ceil(untilMs - now)) end
return 0
`;

type ExchangeCommand = (window: string, pause: string, ...args: string[]) => Promise<[number, number, number, number]>;
type PauseCommand = (pause: string, until: string, now: string) => Promise<number>;

/** A clock that may own its timers (the kit's `TimerClock`): waits for a slot use them, the global timers otherwise. */
export interface BudgetClock extends Clock {
  setTimeout?(callback: () => void, ms: number): unknown;
  clearTimeout?(handle: unknown): void;
}

export interface SharedBudgetsOptions {
  link: RedisLink;
  /** Names this instance's slots (with random bytes, so a restarted instance of the same id never clashes). */
  instanceId: string;
  clock?: BudgetClock;
  /**
   * How much longer than its window each slot counts: the platform counts a request when it arrives, which in a
   * cluster can be later, relative to another instance's, than the moment the slot was taken. Default: a fiftieth
   * of the window, between 10 and 250 ms.
   */
  arrivalMarginMs?: (windowMs: number) => number;
}

/** What {@link SharedBudgets.reserve} holds for one platform's buckets while a poll job runs. */
export interface Reservation {
  /** How long the reserved slots may be spent (ms): longer than the job should ever run. */
  holdMs: number;
  /** Slots to reserve in each bucket (at most its limit): what one job can spend. */
  want: number;
  /**
   * How long to wait for more slots that leave the window shortly (ms, default 0): a platform polled at its full
   * rate has the reads of two ticks ago leaving the window just as a tick's job starts (the step never waits).
   */
  waitUpToMs?: number;
  /** Until when (this clock) a job that could spend nothing at all waits for the first slot (default: it does not). */
  waitForRoomUntil?: number;
  /** Ends the waiting at once (the instance is stopping): the job goes on with what it holds. */
  signal?: AbortSignal;
}

/**
 * Every platform budget of the cluster, kept in Redis so that all instances together stay within each platform's
 * limit (the platforms count per app, workspace or tenant, not per process). A sliding window per bucket, the
 * kit's semantics: at most `limit` requests in any `windowMs` (plus the arrival margin).
 *
 * The kit's budgets answer synchronously (`tryTake`, `availableInMs`, `use`: a sweep plans with them), Redis does
 * not: so a poll job first {@link reserve}s its platform's room (slots scored until the hold ends, so they count
 * however late they are spent), spends it locally without a round trip, and {@link release}s what it did not
 * spend, the spent slots re-scored to when they were really sent. A caller that waits (`take()`) without a
 * reservation takes one slot straight from Redis. One job per platform runs at a time in the cluster (the queue's
 * global concurrency), so a reservation holds what the single process's budget would have offered that step.
 */
export class SharedBudgets {
  private readonly buckets = new Map<string, SharedBudget>();
  private readonly clock: BudgetClock;
  private readonly exchangeCommand: ExchangeCommand;
  private readonly pauseCommand: PauseCommand;
  private readonly slotPrefix: string;
  private sequence = 0;

  constructor(private readonly options: SharedBudgetsOptions) {
    this.clock = options.clock ?? systemClock;
    this.slotPrefix = `${options.instanceId}/${randomBytes(6).toString('base64url')}/`;
    this.exchangeCommand = command<ExchangeCommand>(options.link.commands, 'presenceBudgetExchange', 2, EXCHANGE_SCRIPT);
    this.pauseCommand = command<PauseCommand>(options.link.commands, 'presenceBudgetPause', 1, PAUSE_SCRIPT);
  }

  /** The bucket's shared budget (one object per bucket and process): what the kit's registry `create`s. */
  budget(spec: RateBudgetSpec): SharedBudget {
    let budget = this.buckets.get(spec.bucket);
    if (!budget) {
      const margin = this.options.arrivalMarginMs?.(spec.windowMs) ?? Math.min(250, Math.max(10, Math.round(spec.windowMs / 50)));
      budget = new SharedBudget({ ...spec }, margin, this.clock, {
        exchange: (args) => this.exchange(spec.bucket, args),
        pause: (until, now) => this.pauseCommand(this.options.link.key('budget', spec.bucket, 'pause'), String(until), String(now)),
      });
      this.buckets.set(spec.bucket, budget);
      // A first look at the window, so a call outside a poll job (a connect probe) decides on what is there.
      budget.look();
    }
    return budget;
  }

  /** The platform's buckets known here (bucket names are platform-scoped: `slack:users.getPresence`). */
  ofPlatform(platform: string): SharedBudget[] {
    return [...this.buckets.values()].filter((budget) => budget.spec.bucket.startsWith(`${platform}:`));
  }

  /**
   * Reserves room in every bucket of the platform for one poll job (see the class comment). A job that could
   * spend nothing at all waits for the first slot, until `waitForRoomUntil`; one that got some waits up to
   * `waitUpToMs` for more that is about to leave the window.
   */
  async reserve(platform: string, reservation: Reservation): Promise<void> {
    const buckets = this.ofPlatform(platform);
    await Promise.all(buckets.map((budget) => budget.reserve(reservation)));
    const topUpUntil = this.clock.now() + (reservation.waitUpToMs ?? 0);
    for (;;) {
      const now = this.clock.now();
      const nothing = buckets.length > 0 && buckets.every((budget) => !budget.hasRoom(now));
      const waitFor = nothing
        ? buckets.filter((budget) => budget.nextSlotAt() <= (reservation.waitForRoomUntil ?? 0))
        : buckets.filter((budget) => budget.shortOf(reservation.want) && budget.nextSlotAt() <= topUpUntil);
      if (waitFor.length === 0) return;
      const until = Math.min(...waitFor.map((budget) => budget.nextSlotAt()));
      const woke = await sleep(this.clock, Math.max(1, until - now), reservation.signal, platform).then(() => true, () => false);
      if (!woke) return;
      await Promise.all(waitFor.map((budget) => budget.topUp(reservation)));
    }
  }

  /** Settles what the job spent and gives back what it did not. */
  async release(platform: string): Promise<void> {
    await Promise.all(this.ofPlatform(platform).map((budget) => budget.release()));
  }

  private exchange(bucket: string, args: ExchangeArgs): Promise<ExchangeResult> {
    const prefix = `${this.slotPrefix}${++this.sequence}/`;
    const argv = [String(args.now), String(args.span), String(args.limit), String(args.want), String(args.hold), prefix, String(args.spent.length)];
    for (const [member, at] of args.spent) argv.push(member, String(at));
    argv.push(String(args.released.length), ...args.released);
    argv.push(String(args.added.length));
    for (const [member, at] of args.added) argv.push(member, String(at));
    const link = this.options.link;
    return this.exchangeCommand(link.key('budget', bucket), link.key('budget', bucket, 'pause'), ...argv).then(([granted, wait, used, paused]) => ({
      members: Array.from({ length: Number(granted) }, (_, n) => `${prefix}${n + 1}`),
      waitMs: Number(wait),
      used: Number(used),
      pausedUntil: Number(paused),
    }));
  }
}

interface ExchangeArgs {
  now: number;
  span: number;
  limit: number;
  want: number;
  hold: number;
  spent: [string, number][];
  released: string[];
  added: [string, number][];
}

interface ExchangeResult {
  members: string[];
  waitMs: number;
  used: number;
  pausedUntil: number;
}

interface BudgetStore {
  exchange(args: ExchangeArgs): Promise<ExchangeResult>;
  pause(until: number, now: number): Promise<unknown>;
}

/** One bucket of the cluster's window, with the kit's `RateBudget` methods (see {@link SharedBudgets}). */
export class SharedBudget implements PlatformRateBudget {
  /** Reserved slots not spent yet (member names in the window). */
  private grants: string[] = [];
  /** Until when (this clock) the reserved slots may be spent: their score in the window. */
  private grantsUntil = 0;
  /** Whether a reservation is in force (between reserve and release). */
  private reserving = false;
  /** Slots spent since the last exchange, with when: re-scored at the next one. */
  private spent: [string, number][] = [];
  /** Slots spent without a reservation, not yet in the cluster's window. */
  private added: [string, number][] = [];
  private pausedUntilMs = 0;
  /** The window as the last exchange saw it. */
  private seen = { used: 0, nextSlotAt: 0 };

  constructor(
    readonly spec: RateBudgetSpec,
    private readonly marginMs: number,
    private readonly clock: BudgetClock,
    private readonly store: BudgetStore,
  ) {}

  /**
   * In a poll job: a reserved slot, if one is left. Outside one (a connect probe that must not wait): the window
   * as the last exchange saw it decides, and the slot is added to the cluster's window at once, in the background.
   * Only these calls can pass a limit, by one per instance and only when the window filled since it was last seen.
   */
  tryTake(): boolean {
    const now = this.clock.now();
    if (this.pausedUntilMs > now) return false;
    if (this.takeGranted(now)) return true;
    if (this.reserving || this.seen.used >= this.spec.limit) return false;
    this.seen.used++;
    this.added.push([`${this.spec.bucket}/${now}/${Math.random().toString(36).slice(2)}`, now]);
    this.look();
    return true;
  }

  /** A reserved slot if there is one, else one slot straight from the cluster's window, waiting for it. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (this.pausedUntilMs <= now && this.takeGranted(now)) return;
      if (signal?.aborted) throw aborted(this.spec.bucket);
      if (this.pausedUntilMs > now) {
        await sleep(this.clock, this.pausedUntilMs - now, signal, this.spec.bucket);
        continue;
      }
      // Scored `now`: spent as soon as it is granted, so there is nothing to settle for it later.
      const result = await this.exchangeNow(1, now, now, false);
      if (result.members.length === 1) return;
      await sleep(this.clock, Math.max(1, result.waitMs), signal, this.spec.bucket);
    }
  }

  availableInMs(): number {
    const now = this.clock.now();
    if (this.pausedUntilMs > now) return this.pausedUntilMs - now;
    if (this.granted(now) > 0) return 0;
    return Math.max(0, this.seen.nextSlotAt - now);
  }

  /** Every instance's callers of the bucket wait until then (a Retry-After); later pauses extend, earlier never shorten. */
  pauseUntil(epochMs: number): void {
    if (epochMs <= this.pausedUntilMs) return;
    this.pausedUntilMs = epochMs;
    // The cluster's pause is best effort: this instance's own callers are paused already.
    this.store.pause(epochMs, this.clock.now()).catch(() => undefined);
  }

  pausedUntil(): number | undefined {
    return this.pausedUntilMs > this.clock.now() ? this.pausedUntilMs : undefined;
  }

  /** While a reservation is in force: the bucket is full but for what this job may still spend. */
  use(): BudgetUse {
    const used = this.reserving ? this.spec.limit - this.granted(this.clock.now()) : this.seen.used;
    return { bucket: this.spec.bucket, used, limit: this.spec.limit, windowMs: this.spec.windowMs };
  }

  async reserve(reservation: Reservation): Promise<void> {
    const now = this.clock.now();
    const hold = now + reservation.holdMs;
    const result = await this.exchangeNow(this.wanted(reservation.want), now, hold, true);
    this.grants = result.members;
    this.grantsUntil = hold;
    this.reserving = true;
  }

  /** Refreshes what this instance knows of the window, in the background. */
  look(): void {
    this.exchangeNow(0, this.clock.now(), 0, false).catch(() => undefined);
  }

  /** Adds slots to a reservation in force, up to `want` held, valid until the reservation's hold. */
  async topUp(reservation: Reservation): Promise<void> {
    const now = this.clock.now();
    const missing = this.wanted(reservation.want) - this.granted(now);
    if (missing <= 0) return;
    const result = await this.exchangeNow(missing, now, this.grantsUntil, false);
    this.grants.push(...result.members);
  }

  /** Whether a reservation in force holds an unspent slot, the bucket not paused. */
  hasRoom(now: number): boolean {
    return this.pausedUntilMs <= now && this.granted(now) > 0;
  }

  /** Whether a reservation in force holds fewer than `want` (at most the limit) unspent slots. */
  shortOf(want: number): boolean {
    return this.reserving && this.granted(this.clock.now()) < this.wanted(want);
  }

  /** When the last exchange expected the next slot to be free (its clock). */
  nextSlotAt(): number {
    return this.pausedUntilMs > this.seen.nextSlotAt ? this.pausedUntilMs : this.seen.nextSlotAt;
  }

  async release(): Promise<void> {
    this.reserving = false;
    await this.exchangeNow(0, this.clock.now(), 0, true);
  }

  private wanted(want: number): number {
    return Math.min(this.spec.limit, Math.max(0, want));
  }

  /** Spends a reserved slot if one is left. */
  private takeGranted(now: number): boolean {
    if (this.granted(now) === 0) return false;
    this.spent.push([this.grants.pop() as string, now]);
    return true;
  }

  private granted(now: number): number {
    return now < this.grantsUntil ? this.grants.length : 0;
  }

  /** One exchange: settles what was spent, optionally gives back the unspent grants, takes up to `want`. */
  private async exchangeNow(want: number, now: number, hold: number, releaseGrants: boolean): Promise<ExchangeResult> {
    const spent = this.spent;
    this.spent = [];
    const added = this.added;
    this.added = [];
    const released = releaseGrants ? this.grants : [];
    if (releaseGrants) this.grants = [];
    // A failed exchange leaves spent slots at their reserved (later) score and unreleased ones until the hold
    // ends: both only count longer than they should, never shorter.
    let result: ExchangeResult;
    try {
      result = await this.store.exchange({ now, span: this.spec.windowMs + this.marginMs, limit: this.spec.limit, want, hold, spent, released, added });
    } catch (error) {
      // Requests already sent must reach the window: they go with the next exchange.
      this.added.unshift(...added);
      throw error;
    }
    this.seen = { used: result.used, nextSlotAt: result.members.length < want ? now + result.waitMs : now };
    if (result.pausedUntil > this.pausedUntilMs) this.pausedUntilMs = result.pausedUntil;
    return result;
  }
}

function aborted(bucket: string): PresenceError {
  return new PresenceError('TRANSIENT', `the wait for ${bucket} budget was aborted`);
}

/** Waits `ms` of the clock's time (its own timers if it has them); rejects when `signal` aborts. */
function sleep(clock: BudgetClock, ms: number, signal: AbortSignal | undefined, bucket: string): Promise<void> {
  const set = clock.setTimeout ? clock.setTimeout.bind(clock) : (callback: () => void, delay: number) => setTimeout(callback, delay);
  const clear = clock.clearTimeout ? clock.clearTimeout.bind(clock) : (handle: unknown) => clearTimeout(handle as NodeJS.Timeout);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(bucket));
    const onAbort = (): void => {
      clear(timer);
      reject(aborted(bucket));
    };
    const timer = set(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A Lua script as a command of the connection (ioredis sends EVALSHA, and the script once if Redis lacks it). */
function command<T>(commands: Redis, name: string, numberOfKeys: number, lua: string): T {
  const target = commands as unknown as Record<string, ((...args: string[]) => Promise<unknown>) | undefined>;
  if (typeof target[name] !== 'function') commands.defineCommand(name, { numberOfKeys, lua });
  const run = target[name] as (...args: string[]) => Promise<unknown>;
  return ((...args: string[]) => run.apply(commands, args)) as T;
}
