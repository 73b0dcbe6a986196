import { InvalidInputError } from '@amo/presence-core';
import { type EntityManager, In, LessThan } from 'typeorm';
import { OutboundEventEntity, type OutboundEventRow } from '../entities/outbound-event.entity';
import { decodeCursor, type Page, type PageRequest, pageSize, toPage } from '../paging';
import type { StoreContext } from '../store-context';

/** One event to deliver, as the service built it. */
export interface OutboundEventInput {
  /** The payload's `id` (a UUID); receivers deduplicate by it. */
  eventId: string;
  /** Same key, one delivery at a time in enqueue order (`person:<userId>`, `platform:<name>`). */
  orderKey: string;
  /** The person it is about (erasure deletes it); omit for platform events. */
  userId?: string;
  type: string;
  /** The exact JSON to send. */
  body: string;
}

/** A queued (or dropped) delivery. */
export interface OutboundEvent extends Required<Omit<OutboundEventInput, 'userId'>> {
  seq: number;
  userId: string | null;
  state: 'pending' | 'dropped';
  /** Attempts made so far. */
  attempts: number;
  /** Not before this (epoch ms). */
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  droppedAt: Date | null;
}

const DAY_MS = 86_400_000;
const CHUNK = 500;
const CURSOR_KIND = 'outbound-dropped';
const ERROR_LENGTH = 500;

function toEvent(row: OutboundEventRow): OutboundEvent {
  return {
    seq: row.seq as number,
    eventId: row.eventId,
    orderKey: row.orderKey,
    userId: row.userId,
    type: row.type,
    body: row.body,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.nextAttemptAt),
    lastError: row.lastError,
    createdAt: new Date(row.createdAt),
    droppedAt: row.droppedAt === null ? null : new Date(row.droppedAt),
  };
}

/** Inserts in the caller's transaction, in the given order (which fixes `seq`, hence delivery order). */
export async function insertOutboundEvents(manager: EntityManager, rows: OutboundEventRow[]): Promise<number> {
  for (let start = 0; start < rows.length; start += CHUNK) await manager.insert(OutboundEventEntity, rows.slice(start, start + CHUNK));
  return rows.length;
}

/**
 * The durable queue of signed outbound webhook deliveries. Only the head of each order key (its lowest pending
 * `seq`) is ever handed out, so a person's events go out in order while different keys proceed independently.
 */
export class OutboundEventRepository {
  constructor(private readonly context: StoreContext) {}

  /** Queues events in one transaction, due at once. */
  async enqueue(events: readonly OutboundEventInput[]): Promise<number> {
    if (events.length === 0) return 0;
    const now = this.context.clock.now();
    const rows: OutboundEventRow[] = events.map((event) => ({
      eventId: event.eventId,
      orderKey: event.orderKey,
      userId: event.userId ?? null,
      type: event.type,
      body: event.body,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      createdAt: now,
      droppedAt: null,
    }));
    return this.context.db.write((manager) => insertOutboundEvents(manager, rows));
  }

  /**
   * The first pending event of each order key, soonest attempt first, at most `limit` of them (due or not: the
   * first one not yet due tells the caller when to look again). Keys in `skip` (being delivered) are left out.
   */
  async heads(limit: number, skip: ReadonlySet<string> = new Set()): Promise<OutboundEvent[]> {
    const rows = await this.context.db.read((manager) =>
      manager
        .createQueryBuilder(OutboundEventEntity, 'o')
        .where("o.state = 'pending'")
        .andWhere(
          (query) =>
            'o.seq = ' +
            query
              .subQuery()
              .select('MIN(i.seq)')
              .from(OutboundEventEntity, 'i')
              .where("i.state = 'pending'")
              .andWhere('i.orderKey = o.orderKey')
              .getQuery(),
        )
        .orderBy('o.nextAttemptAt', 'ASC')
        .addOrderBy('o.seq', 'ASC')
        .limit(limit + skip.size)
        .getMany(),
    );
    return rows.filter((row) => !skip.has(row.orderKey)).slice(0, limit).map(toEvent);
  }

  /** Delivered: the row goes. Answers false when it was already gone (erased meanwhile). */
  async delivered(seq: number): Promise<boolean> {
    const result = await this.context.db.write((manager) => manager.delete(OutboundEventEntity, { seq, state: 'pending' }));
    return (result.affected ?? 0) > 0;
  }

  /** A failed attempt: counted, with its error, and the time of the next one. */
  async retryLater(seq: number, attempts: number, nextAttemptAt: number, lastError: string): Promise<boolean> {
    const result = await this.context.db.write((manager) =>
      manager.update(OutboundEventEntity, { seq, state: 'pending' }, { attempts, nextAttemptAt, lastError: lastError.slice(0, ERROR_LENGTH) }),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Given up after `attempts`: kept as the record of a delivery that never happened; the key's next event goes on. */
  async drop(seq: number, attempts: number, lastError: string): Promise<boolean> {
    const droppedAt = this.context.clock.now();
    const result = await this.context.db.write((manager) =>
      manager.update(OutboundEventEntity, { seq, state: 'pending' }, { state: 'dropped', attempts, lastError: lastError.slice(0, ERROR_LENGTH), droppedAt }),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Deletes everything queued or dropped about these people (erasure, opt-out). Returns how many rows. */
  async forget(userIds: readonly string[]): Promise<number> {
    if (userIds.length === 0) return 0;
    const result = await this.context.db.write((manager) => manager.delete(OutboundEventEntity, { userId: In([...userIds]) }));
    return result.affected ?? 0;
  }

  /** Dropped deliveries, newest first, paged. */
  async dropped(request: PageRequest = {}): Promise<Page<OutboundEvent>> {
    const limit = pageSize(request.limit);
    const before = request.cursor === undefined ? undefined : decodeCursor<number>(CURSOR_KIND, request.cursor, 'number');
    const rows = await this.context.db.read((manager) => {
      const query = manager.createQueryBuilder(OutboundEventEntity, 'o').where("o.state = 'dropped'").orderBy('o.seq', 'DESC').limit(limit + 1);
      if (before !== undefined) query.andWhere('o.seq < :before', { before });
      return query.getMany();
    });
    return toPage(rows, limit, toEvent, (row) => row.seq as number, CURSOR_KIND);
  }

  /** Deletes dropped rows older than the retention period (the audit log's). Returns how many. */
  async purgeDropped(retentionDays: number): Promise<number> {
    if (!Number.isFinite(retentionDays) || retentionDays < 0) throw new InvalidInputError('retentionDays must be >= 0');
    const cutoff = this.context.clock.now() - retentionDays * DAY_MS;
    const result = await this.context.db.write((manager) => manager.delete(OutboundEventEntity, { state: 'dropped', droppedAt: LessThan(cutoff) }));
    return result.affected ?? 0;
  }

  /** Rows in a state (pending by default). */
  async count(state: 'pending' | 'dropped' = 'pending'): Promise<number> {
    return this.context.db.read((manager) => manager.count(OutboundEventEntity, { where: { state } }));
  }
}
