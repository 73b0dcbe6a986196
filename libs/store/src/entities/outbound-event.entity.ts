import { EntitySchema } from 'typeorm';
import { idColumn, timeColumn } from './columns';

/** Where a queued event is in its life: waiting (for its turn or its next attempt), or given up on. */
export type OutboundEventState = 'pending' | 'dropped';

/**
 * A row of `outbound_event`: one signed webhook delivery. Delivered rows are deleted; dropped rows stay (the
 * record of what a receiver never got) until the audit retention purges them.
 */
export interface OutboundEventRow {
  seq?: number;
  eventId: string;
  /** Deliveries with the same key go out one at a time, in `seq` order (`person:<id>`, `platform:<name>`). */
  orderKey: string;
  /** The person the event is about; null for platform events. Erasure deletes by it. */
  userId: string | null;
  type: string;
  /** The exact JSON sent (and signed) on every attempt. */
  body: string;
  state: OutboundEventState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  droppedAt: number | null;
}

export const OutboundEventEntity = new EntitySchema<OutboundEventRow>({
  name: 'OutboundEventRow',
  tableName: 'outbound_event',
  columns: {
    seq: { name: 'seq', type: 'integer', primary: true, generated: 'increment' },
    eventId: { name: 'event_id', type: 'varchar', length: 36 },
    orderKey: { name: 'order_key', type: 'varchar', length: 300 },
    userId: { ...idColumn('user_id'), nullable: true },
    type: { name: 'type', type: 'varchar', length: 32 },
    body: { name: 'body', type: 'text' },
    state: { name: 'state', type: 'varchar', length: 16 },
    attempts: { name: 'attempts', type: 'integer' },
    nextAttemptAt: timeColumn('next_attempt_at'),
    lastError: { name: 'last_error', type: 'varchar', length: 500, nullable: true },
    createdAt: timeColumn('created_at'),
    droppedAt: timeColumn('dropped_at', true),
  },
  indices: [
    { name: 'UQ_outbound_event_id', columns: ['eventId'], unique: true },
    { name: 'IDX_outbound_event_queue', columns: ['state', 'orderKey', 'seq'] },
    { name: 'IDX_outbound_event_user', columns: ['userId'] },
  ],
});
