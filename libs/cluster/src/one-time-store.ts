import type { RedisLink } from './redis-link';

/**
 * Short-lived values every instance sees, each used at most once: OAuth `state` (a flow started on one instance
 * is completed on whichever instance the browser comes back to, exactly once) and claims on webhook deliveries
 * (a delivery retried to another instance is applied once). Keys are `<prefix><namespace>:<key>`; every value
 * expires by Redis' own clock (PX), so nothing is left behind by an instance that dies. Commands throw while
 * Redis is down; the caller decides what to do then.
 */
export class OneTimeStore {
  constructor(
    private readonly link: RedisLink,
    /** What the values are (`oauth-state`, `webhook-delivery`). */
    private readonly namespace: string,
  ) {}

  /** Stores `value` under `key` for `ttlMs`, replacing what was there. */
  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.link.commands.set(this.keyOf(key), value, 'PX', ttlMs);
  }

  /**
   * The value, removed in the same step (GETDEL): of any number of concurrent takes, on any instances, exactly
   * one gets it. Undefined when there is none (never put, expired, or already taken).
   */
  async take(key: string): Promise<string | undefined> {
    return (await this.link.commands.getdel(this.keyOf(key))) ?? undefined;
  }

  /** The value without taking it; undefined when there is none. */
  async peek(key: string): Promise<string | undefined> {
    return (await this.link.commands.get(this.keyOf(key))) ?? undefined;
  }

  /**
   * True for exactly one caller per `key` until the claim expires or is released (SET NX PX): the first to
   * claim does the work, every other learns it was done, or is being done, elsewhere. `value` is stored with
   * the claim (a later {@link settle} may replace it).
   */
  async claimOnce(key: string, ttlMs: number, value = '1'): Promise<boolean> {
    return (await this.link.commands.set(this.keyOf(key), value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Replaces a held claim's value, with a fresh TTL (SET XX PX); false when the claim is gone. */
  async settle(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.link.commands.set(this.keyOf(key), value, 'PX', ttlMs, 'XX')) === 'OK';
  }

  /** Removes the value or claim (a claim whose work failed, so a retry may claim it again). */
  async release(key: string): Promise<void> {
    await this.link.commands.del(this.keyOf(key));
  }

  private keyOf(key: string): string {
    return this.link.key(this.namespace, key);
  }
}
