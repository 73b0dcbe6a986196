import type { CacheEntry, Platform, PresenceCache } from '@amo/presence-core';
import { aggregateFromWire, fromWire, toWire, type WireAggregate } from './redis-presence-cache.codec';
import type { RedisLink } from './redis-link';

/** The hash field that holds a person's aggregate beside their platform records. */
const AGGREGATE_FIELD = 'aggregate';

/** One record written through: what a flush hands to `onFlush` (the app publishes them on the change bus). */
export interface PresenceWrite {
  userId: string;
  platform: Platform;
  entry: CacheEntry;
}

/** A person as Redis holds them: their records with confirmation times, and the aggregate stored with them. */
export interface StoredPerson {
  userId: string;
  entries: CacheEntry[];
  aggregate?: WireAggregate;
}

export interface RedisPresenceCacheOptions {
  link: RedisLink;
  /**
   * The instance's own table (core's embedded cache), which the port's reads answer from: every instance keeps
   * it current (its own changes, the change bus, warm-up), so a read never waits for Redis.
   */
  local: PresenceCache;
  /**
   * After each flush is sent: every record set since the last one, in order, confirmations included (Redis gets
   * only the newest per person and platform; listeners elsewhere need each change).
   */
  onFlush?: (writes: readonly PresenceWrite[]) => void;
  /** A flush or delete that failed (Redis down): reported here; the writes are kept and retried. */
  onError?: (error: Error) => void;
  /** How long after a failed flush the next try is (default 1 s). */
  retryMs?: number;
}

interface PendingPerson {
  sets: Map<Platform, CacheEntry>;
  deletes: Set<Platform>;
  aggregate?: WireAggregate;
}

export interface RedisPresenceCacheStats {
  /** Records and aggregates written. */
  written: number;
  flushes: number;
  failedFlushes: number;
  /** People with writes not yet sent. */
  pending: number;
}

/**
 * Core's cache port on Redis, as the write-through mirror core supports (`PresenceAggregatorOptions.cache`):
 * every accepted reading, the aggregate computed where it changed, and every deletion are written to one hash
 * per person (`<prefix>p:<userId>`: a field per platform and one for the aggregate) and the set of people
 * (`<prefix>people`), so any instance can read the cluster's presence and a starting one warms its table with
 * {@link load}. Writes never block ingest: they are queued (latest per person and platform wins) and sent in
 * one pipeline on the next turn of the event loop; a failed flush (Redis down) keeps them for the next try.
 * A person's erasure is sent at once, not queued (see {@link erase}).
 */
export class RedisPresenceCache implements PresenceCache {
  private pending = new Map<string, PendingPerson>();
  /** Every set since the last flush, in order, for `onFlush`. */
  private journal: PresenceWrite[] = [];
  private scheduled = false;
  private flushing: Promise<void> | undefined;
  private quiet = 0;
  /** People erased while a flush was in flight: if it fails, their writes are not queued again. */
  private readonly erasedInFlight = new Set<string>();
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly counters = { written: 0, flushes: 0, failedFlushes: 0 };

  constructor(private readonly options: RedisPresenceCacheOptions) {}

  // ---- the port: reads from the local table ------------------------------------------------------------

  get(userId: string, platform: Platform): CacheEntry | undefined {
    return this.options.local.get(userId, platform);
  }

  entries(userId: string): readonly CacheEntry[] {
    return this.options.local.entries(userId);
  }

  userIds(): IterableIterator<string> {
    return this.options.local.userIds();
  }

  size(): number {
    return this.options.local.size();
  }

  // ---- the port: writes through to Redis ---------------------------------------------------------------

  set(userId: string, platform: Platform, entry: CacheEntry): void {
    if (this.quiet > 0 || this.closed) return;
    const person = this.person(userId);
    person.deletes.delete(platform);
    person.sets.set(platform, entry);
    if (this.options.onFlush) this.journal.push({ userId, platform, entry });
    this.schedule();
  }

  delete(userId: string, platform?: Platform): void {
    if (this.quiet > 0 || this.closed) return;
    if (platform === undefined) {
      void this.erase(userId).catch((error: unknown) => this.report(error));
      return;
    }
    const person = this.person(userId);
    person.sets.delete(platform);
    person.deletes.add(platform);
    this.schedule();
  }

  /** The aggregate this instance computed for the person, stored with their records. */
  setAggregate(userId: string, aggregate: WireAggregate): void {
    if (this.quiet > 0 || this.closed) return;
    this.person(userId).aggregate = aggregate;
    this.schedule();
  }

  /**
   * Runs `apply` without writing anything it does to Redis: for changes that came from Redis (the change bus,
   * warm-up), which the instance that made them has written already.
   */
  withoutWriting<T>(apply: () => T): T {
    this.quiet++;
    try {
      return apply();
    } finally {
      this.quiet--;
    }
  }

  /**
   * Runs async `work` writing nothing to Redis until it settles: for a start-up restore from the store, which is
   * older than what the cluster holds in Redis and must not overwrite it. Only while nothing else changes presence.
   */
  async whileNotWriting<T>(work: () => Promise<T>): Promise<T> {
    this.quiet++;
    try {
      return await work();
    } finally {
      this.quiet--;
    }
  }

  /**
   * Deletes everything held about the person, now: writes still queued for them are dropped and the hash and
   * set entry are removed (sent before anything queued later, so a later write of theirs cannot be lost or
   * resurrect them). Resolves when Redis has done it.
   */
  async erase(userId: string): Promise<void> {
    this.pending.delete(userId);
    if (this.journal.length > 0) this.journal = this.journal.filter((write) => write.userId !== userId);
    if (this.flushing) this.erasedInFlight.add(userId);
    const { link } = this.options;
    await link.commands.multi().del(link.key('p', userId)).srem(link.key('people'), userId).exec();
  }

  /** Sends what is queued now; resolves when Redis has it (or rejects when it could not be written). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined);
    if (this.pending.size === 0) return;
    const batch = this.pending;
    const journal = this.journal;
    this.pending = new Map();
    this.journal = [];
    this.flushing = this.write(batch, journal).finally(() => {
      this.flushing = undefined;
      this.erasedInFlight.clear();
    });
    return this.flushing;
  }

  // ---- reads from Redis --------------------------------------------------------------------------------

  /** One person as Redis holds them (undefined when nothing is held). */
  async read(userId: string): Promise<StoredPerson | undefined> {
    const hash = await this.options.link.commands.hgetall(this.options.link.key('p', userId));
    return this.decode(userId, hash);
  }

  /**
   * Everyone Redis holds, a page at a time (`pageSize` people per round trip), handed to `sink` as they come:
   * how a starting instance warms its table. Resolves with the number of people and records read; values that
   * do not decode (another version's, damaged) are skipped and counted.
   */
  async load(sink: (person: StoredPerson) => void, pageSize = 500): Promise<{ people: number; records: number; skipped: number }> {
    const { link } = this.options;
    const totals = { people: 0, records: 0, skipped: 0 };
    let cursor = '0';
    do {
      const [next, userIds] = await link.commands.sscan(link.key('people'), cursor, 'COUNT', pageSize);
      cursor = next;
      if (userIds.length === 0) continue;
      const pipeline = link.commands.pipeline();
      for (const userId of userIds) pipeline.hgetall(link.key('p', userId));
      const results = (await pipeline.exec()) ?? [];
      userIds.forEach((userId, index) => {
        const [error, hash] = results[index] ?? [];
        if (error) throw error;
        const person = this.decode(userId, hash as Record<string, string>, totals);
        if (!person) return;
        totals.people++;
        totals.records += person.entries.length;
        sink(person);
      });
    } while (cursor !== '0');
    return totals;
  }

  stats(): RedisPresenceCacheStats {
    return { ...this.counters, pending: this.pending.size };
  }

  /** Sends what is queued and stops writing (shutdown). */
  async close(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    await this.flush().catch((error: unknown) => this.report(error));
    this.closed = true;
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private person(userId: string): PendingPerson {
    let person = this.pending.get(userId);
    if (!person) this.pending.set(userId, (person = { sets: new Map(), deletes: new Set() }));
    return person;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush().catch((error: unknown) => {
        this.report(error);
        this.scheduleRetry();
      });
    });
  }

  private scheduleRetry(): void {
    if (this.retry || this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.schedule();
    }, this.options.retryMs ?? 1000);
    this.retry.unref();
  }

  private async write(batch: Map<string, PendingPerson>, journal: readonly PresenceWrite[]): Promise<void> {
    const { link } = this.options;
    const pipeline = link.commands.pipeline();
    const people: string[] = [];
    let count = 0;
    for (const [userId, person] of batch) {
      const key = link.key('p', userId);
      if (person.deletes.size > 0) pipeline.hdel(key, ...person.deletes);
      const fields: string[] = [];
      for (const [platform, entry] of person.sets) {
        fields.push(platform, JSON.stringify({ c: entry.confirmedAt, r: toWire(entry.record) }));
      }
      if (person.aggregate) fields.push(AGGREGATE_FIELD, JSON.stringify(person.aggregate));
      if (fields.length > 0) {
        pipeline.hset(key, ...fields);
        people.push(userId);
        count += fields.length / 2;
      }
    }
    if (people.length > 0) pipeline.sadd(link.key('people'), ...people);
    const sent = pipeline.exec();
    // Handed on right after the pipeline is queued on the same connection: whatever `onFlush` sends (a change
    // message) reaches Redis after these writes, so an instance that hears it can read them.
    if (journal.length > 0) this.options.onFlush?.(journal);
    let results: [Error | null, unknown][] | null;
    try {
      results = await sent;
    } catch (error) {
      this.counters.failedFlushes++;
      this.requeue(batch);
      throw error;
    }
    const failed = results?.find(([error]) => error);
    if (failed) {
      this.counters.failedFlushes++;
      this.requeue(batch);
      throw failed[0];
    }
    this.counters.flushes++;
    this.counters.written += count;
  }

  /** A failed batch goes back under anything queued since (newer writes win). */
  private requeue(batch: Map<string, PendingPerson>): void {
    for (const [userId, failed] of batch) {
      if (this.erasedInFlight.has(userId)) continue;
      const newer = this.pending.get(userId);
      if (!newer) {
        this.pending.set(userId, failed);
        continue;
      }
      for (const [platform, entry] of failed.sets) if (!newer.sets.has(platform) && !newer.deletes.has(platform)) newer.sets.set(platform, entry);
      for (const platform of failed.deletes) if (!newer.sets.has(platform)) newer.deletes.add(platform);
      newer.aggregate ??= failed.aggregate;
    }
  }

  private decode(userId: string, hash: Record<string, string> | null | undefined, totals?: { skipped: number }): StoredPerson | undefined {
    if (!hash || Object.keys(hash).length === 0) return undefined;
    const person: StoredPerson = { userId, entries: [] };
    for (const [field, text] of Object.entries(hash)) {
      const value = parse(text);
      if (field === AGGREGATE_FIELD) {
        const aggregate = aggregateFromWire(value);
        if (aggregate) person.aggregate = aggregate;
        else if (totals) totals.skipped++;
        continue;
      }
      const stored = value as { c?: unknown; r?: unknown } | undefined;
      const record = fromWire(userId, stored?.r);
      if (!record || record.platform !== field || typeof stored?.c !== 'number') {
        if (totals) totals.skipped++;
        continue;
      }
      person.entries.push({ record, confirmedAt: stored.c });
    }
    return person;
  }

  private report(error: unknown): void {
    this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
