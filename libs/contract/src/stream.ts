import { z } from 'zod';
import { idString, isoTime, platform, presenceStatus, userId } from './common';
import { ERROR_CODE_LIST } from './errors';
import { aggregationPolicy, platformPresence, presenceDocument } from './responses';

/** Most user ids in one subscribe or unsubscribe frame. */
export const MAX_IDS_PER_FRAME = 1000;
/** Most people one connection may subscribe to by id. */
export const MAX_SUBSCRIPTIONS_PER_CLIENT = 10_000;

const frameUserIds = z
  .array(idString('user id'), { error: 'userIds must be an array of strings' })
  .min(1, { error: 'userIds must not be empty' })
  .max(MAX_IDS_PER_FRAME, { error: `at most ${MAX_IDS_PER_FRAME} user ids per frame` });

/** `userIds`, or `all: true` (every person, now and later; read scope), never both and never neither. */
const target = <T extends 'subscribe' | 'unsubscribe'>(type: T) =>
  z
    .object({ type: z.literal(type), userIds: frameUserIds.optional(), all: z.literal(true, { error: 'all must be true when given' }).optional() })
    .refine((frame) => (frame.userIds === undefined) !== (frame.all === undefined), { error: 'give either userIds or "all": true' });

/** What a client may send on `/v1/stream`. Anything else gets an `error` message; the connection stays open. */
export const streamClientFrame = z.discriminatedUnion('type', [target('subscribe'), target('unsubscribe')], {
  error: 'type must be "subscribe" or "unsubscribe"',
});

/** Every server message carries `seq` (1, 2, 3, ... per connection; a gap means a loss) and `at`. */
const envelope = { seq: z.number().int().min(1), at: isoTime };

const ack = <T extends 'subscribed' | 'unsubscribed'>(type: T) =>
  z.object({ type: z.literal(type), userIds: z.array(z.string()).optional(), all: z.literal(true).optional(), ...envelope });

/** What the server sends on `/v1/stream`. */
export const streamServerMessage = z.discriminatedUnion('type', [
  ack('subscribed'),
  ack('unsubscribed'),
  z.object({ type: z.literal('snapshot'), userId, presence: presenceDocument.nullable(), ...envelope }),
  z.object({ type: z.literal('presence'), userId, platform, presence: platformPresence.extend({ stale: z.boolean().optional() }), ...envelope }),
  z.object({
    type: z.literal('aggregate'),
    userId,
    status: presenceStatus,
    available: z.boolean(),
    decidedBy: platform.nullable(),
    previousStatus: presenceStatus.nullable(),
    policy: aggregationPolicy,
    ...envelope,
  }),
  z.object({
    type: z.literal('platform'),
    platform,
    state: z.string(),
    breaker: z.string().nullable().optional(),
    lastError: z.object({ code: z.string(), message: z.string(), at: isoTime }).nullable().optional(),
    ...envelope,
  }),
  z.object({ type: z.literal('error'), error: z.object({ code: z.enum(ERROR_CODE_LIST), message: z.string() }), ...envelope }),
]);

/** Close codes the stream uses besides the standard ones (1001 shutting down, 1008 no valid key). */
export const STREAM_CLOSE = {
  /** The client did not read its messages and its send buffer passed the bound: reconnect and resubscribe. */
  slowConsumer: { code: 4001, reason: 'slow consumer: messages not read; reconnect and subscribe again' },
  /** The client sent frames faster than 50 a second after a burst of 100: reconnect later and send less. */
  tooManyFrames: { code: 4002, reason: 'too many frames: at most 50 a second after a burst of 100' },
} as const;

export type StreamClientFrame = z.input<typeof streamClientFrame>;
export type StreamServerMessage = z.output<typeof streamServerMessage>;
