import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type { RedisLink } from '../redis-link';

/**
 * Marks a tick planned unless that tick (or a later one) was planned already: a planner that took over from one
 * that died after enqueueing, or one that lost its lease without knowing, plans nothing twice.
 * KEYS: planned. ARGV: tick.
 */
const COMMIT_SCRIPT = `
local planned = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) <= planned then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;

type CommitCommand = (planned: string, tick: string) => Promise<number>;

/** Redis commands take this many arguments at most per call here (large sweeps are sent in pieces). */
const PIECE = 5_000;

/**
 * One platform's polling state in Redis, shared by every instance:
 * - `due`: every monitored account, scored by when it was last read (0: never), so each tick plans the accounts
 *   read longest ago: a round robin that survives any planner or worker dying, and in which an account a job could
 *   not read (no budget left, the platform failing) simply stays first in line;
 * - `planned`: the last tick planned;
 * - `forgotten`: accounts erased or opted out, each until a time (a tombstone): no planner plans them and no
 *   worker reads them while it lasts, whatever an instance that has not heard of the erase still believes. It
 *   holds digests, not the account ids: after an erase nothing in Redis names the person.
 */
export class PollState {
  private readonly due: string;
  private readonly planned: string;
  private readonly forgottenKey: string;
  private readonly commitCommand: CommitCommand;

  constructor(
    private readonly link: RedisLink,
    readonly platform: string,
  ) {
    this.due = link.key('poll', platform, 'due');
    this.planned = link.key('poll', platform, 'planned');
    this.forgottenKey = link.key('poll', platform, 'forgotten');
    const commands = link.commands as unknown as Record<string, CommitCommand | undefined>;
    if (typeof commands.presencePollCommit !== 'function') link.commands.defineCommand('presencePollCommit', { numberOfKeys: 1, lua: COMMIT_SCRIPT });
    const run = commands.presencePollCommit as CommitCommand;
    this.commitCommand = (...args) => run.apply(link.commands, args);
  }

  private get redis(): Redis {
    return this.link.commands;
  }

  async lastPlannedTick(): Promise<number> {
    const value = await this.redis.get(this.planned);
    return value === null ? -1 : Number(value);
  }

  /**
   * Makes `due` hold exactly `monitored` (new accounts at 0, gone ones removed) and returns the `count` read
   * longest ago, never-read first, ties in `monitored`'s order, leaving out `busy` (in a job running now).
   */
  async pick(monitored: readonly string[], count: number, busy: ReadonlySet<string> = new Set()): Promise<string[]> {
    const flat = await this.redis.zrange(this.due, 0, -1, 'WITHSCORES');
    const scores = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) scores.set(flat[i], Number(flat[i + 1]));
    const wanted = new Set(monitored);
    const gone = [...scores.keys()].filter((id) => !wanted.has(id));
    const added = monitored.filter((id) => !scores.has(id));
    for (let i = 0; i < gone.length; i += PIECE) await this.redis.zrem(this.due, ...gone.slice(i, i + PIECE));
    await this.score(added, 0, 'NX');
    const order = monitored.filter((id) => !busy.has(id)).map((id, index) => ({ id, index, score: scores.get(id) ?? 0 }));
    order.sort((a, b) => a.score - b.score || a.index - b.index);
    return order.slice(0, count).map((entry) => entry.id);
  }

  /** Of `ids`, those never read (added to the round robin at 0 if they were not in it yet). */
  async neverRead(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    await this.score(ids, 0, 'NX');
    const out: string[] = [];
    for (let i = 0; i < ids.length; i += PIECE) {
      const piece = ids.slice(i, i + PIECE);
      const scores = await this.redis.zmscore(this.due, ...piece);
      piece.forEach((id, index) => {
        if (scores[index] !== null && Number(scores[index]) === 0) out.push(id);
      });
    }
    return out;
  }

  /** True when this call recorded `tick` as planned; false when it (or a later one) was planned already. */
  async commit(tick: number): Promise<boolean> {
    return (await this.commitCommand(this.planned, String(tick))) === 1;
  }

  /** Moves read accounts to the back of the line (`XX`: a forgotten one is not brought back). */
  async read(ids: readonly string[], now: number): Promise<void> {
    await this.score(ids, now, 'XX');
  }

  private async score(ids: readonly string[], score: number, mode: 'NX' | 'XX'): Promise<void> {
    for (let i = 0; i < ids.length; i += PIECE) {
      const args: (string | number)[] = [];
      for (const id of ids.slice(i, i + PIECE)) args.push(score, id);
      if (mode === 'NX') await this.redis.zadd(this.due, 'NX', ...args);
      else await this.redis.zadd(this.due, 'XX', ...args);
    }
  }

  /** Tombstones ids until `untilMs` and takes them out of the round robin. */
  async forget(ids: readonly string[], untilMs: number): Promise<void> {
    if (ids.length === 0) return;
    const args: (string | number)[] = [];
    for (const id of ids) args.push(untilMs, this.digest(id));
    await this.redis.multi().zadd(this.forgottenKey, ...args).zrem(this.due, ...ids).pexpireat(this.forgottenKey, untilMs).exec();
  }

  /** The ids of `ids` under a tombstone now. */
  async forgotten(ids: readonly string[], now: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const scores = await this.redis.zmscore(this.forgottenKey, ...ids.map((id) => this.digest(id)));
    return new Set(ids.filter((_, index) => scores[index] !== null && Number(scores[index]) > now));
  }

  /** `ids` without those under a tombstone now (expired tombstones are dropped on the way). */
  async withoutForgotten(ids: readonly string[], now: number): Promise<string[]> {
    await this.redis.zremrangebyscore(this.forgottenKey, '-inf', now);
    const digests = new Set(await this.redis.zrange(this.forgottenKey, 0, -1));
    return digests.size === 0 ? [...ids] : ids.filter((id) => !digests.has(this.digest(id)));
  }

  private digest(id: string): string {
    return createHash('sha256').update(`${this.platform}\u0000${id}`).digest('base64url').slice(0, 22);
  }

  /** When each of `ids` was last read, as the round robin has it (tests and tools): null for an id not in it. */
  async readAt(ids: readonly string[]): Promise<(number | null)[]> {
    if (ids.length === 0) return [];
    return (await this.redis.zmscore(this.due, ...ids)).map((score) => (score === null ? null : Number(score)));
  }
}
