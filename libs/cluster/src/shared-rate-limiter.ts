import { type Clock, systemClock } from '@amo/presence-core';
import type Redis from 'ioredis';
import type { RedisLink } from './redis-link';

/** A bucket's state after a take: what the RateLimit-* headers and Retry-After say. */
export interface RateState {
  /** Requests per window (the bucket's size). */
  limit: number;
  /** Whole requests left now. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** 0 when this take was allowed, else whole seconds until one request is. */
  retryAfterSeconds: number;
}

export interface SharedRateLimiterOptions {
  link: RedisLink;
  /** What the buckets count (`api-key`, `auth-failure`): their keys are `<prefix>rate:<name>:<key>`. */
  name: string;
  /** Requests per minute, bursts up to as many. */
  perMinute: number;
  /** Whose time refills the buckets (default the system clock); tests pass a clock they move. */
  clock?: Clock;
}

/**
 * A bucket outlives the time it needs to fill up by at least this: a bucket that is gone reads as full, which is
 * exactly what it would be by then, so expiry changes no answer; the floor covers a clock that runs behind Redis'.
 */
const MIN_BUCKET_TTL_MS = 60_000;

/**
 * One token bucket per key in a Redis hash, refilled and taken from in one Lua script, so concurrent takes from
 * any number of instances can neither both get the last token nor lose a refill. The arithmetic is the in-memory
 * limiter's, step for step in doubles (stored with 17 significant digits, so nothing is rounded away), hence the
 * same answers and RateLimit-* headers whichever instance a request reaches. Time comes from the caller (ARGV);
 * a bucket never moves back in time, so an instance whose clock is a little behind refills nothing rather than
 * taking refills back.
 *
 * KEYS[1] bucket; ARGV: capacity, refill per ms, now (ms), take ('1') or only look ('0'), least TTL (ms).
 * Returns nil for a missing bucket when only looking (full), else {1 if taken, tokens left as a string}.
 */
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local take = ARGV[4] == '1'
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1])
local at = tonumber(held[2])
if tokens == nil or at == nil then
  if not take then return nil end
  tokens = capacity
  at = now
end
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * perMs)
  at = now
end
local taken = 0
if take and tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
local text = string.format('%.17g', tokens)
redis.call('HSET', KEYS[1], 'tokens', text, 'at', string.format('%.17g', at))
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[5]), math.ceil((capacity - tokens) / perMs)))
return {taken, text}
`;

const COMMAND = 'presenceRateBucket';

type BucketCommand = (key: string, capacity: string, perMs: string, now: string, take: string, minTtl: string) => Promise<[number, string] | null>;

/**
 * A token bucket per key shared by every instance on one Redis: `perMinute` takes a minute, bursts up to the same
 * number, exactly as the service's in-memory per-key limiter counts, so a key's budget is the same whichever
 * instance it reaches. Commands throw while Redis is down; the caller decides what to do then.
 */
export class SharedRateLimiter {
  private readonly refillPerMs: number;
  private readonly clock: Clock;
  private readonly run: BucketCommand;

  constructor(private readonly options: SharedRateLimiterOptions) {
    this.refillPerMs = options.perMinute / 60_000;
    this.clock = options.clock ?? systemClock;
    this.run = bucketCommand(options.link.commands);
  }

  /** Takes one token if there is one; the state says whether it was allowed and how long to wait if not. */
  async take(key: string): Promise<RateState> {
    const [taken, tokens] = (await this.call(key, true)) as [number, string];
    return this.state(Number(tokens), taken === 1);
  }

  /** Whole seconds until `key` may take one (0: now), without taking. */
  async waitSeconds(key: string): Promise<number> {
    const result = await this.call(key, false);
    if (result === null) return 0;
    const tokens = Number(result[1]);
    return tokens >= 1 ? 0 : this.state(tokens, false).retryAfterSeconds;
  }

  /** Drops the key's bucket (a revoked key): it starts full if it is ever used again. */
  async forget(key: string): Promise<void> {
    await this.options.link.commands.del(this.bucketKey(key));
  }

  private call(key: string, take: boolean): Promise<[number, string] | null> {
    const { perMinute } = this.options;
    return this.run(this.bucketKey(key), String(perMinute), String(this.refillPerMs), String(this.clock.now()), take ? '1' : '0', String(MIN_BUCKET_TTL_MS));
  }

  private bucketKey(key: string): string {
    return this.options.link.key('rate', this.options.name, key);
  }

  private state(tokens: number, allowed: boolean): RateState {
    const secondsFor = (count: number): number => Math.ceil(count / this.refillPerMs / 1000);
    const limit = this.options.perMinute;
    return {
      limit,
      remaining: Math.floor(tokens),
      resetSeconds: secondsFor(limit - tokens),
      retryAfterSeconds: allowed ? 0 : Math.max(1, secondsFor(1 - tokens)),
    };
  }
}

/** The script as a command of the connection (ioredis sends EVALSHA, and the script once if Redis lacks it). */
function bucketCommand(commands: Redis): BucketCommand {
  const target = commands as unknown as Record<string, BucketCommand | undefined>;
  if (typeof target[COMMAND] !== 'function') commands.defineCommand(COMMAND, { numberOfKeys: 1, lua: TAKE_SCRIPT });
  const command = target[COMMAND] as BucketCommand;
  return (...args) => command.apply(commands, args);
}
