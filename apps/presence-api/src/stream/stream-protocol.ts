import { idProblem } from '@amo/presence-core';
import { z } from 'zod';

export const MAX_IDS_PER_FRAME = 1000;
export const MAX_SUBSCRIPTIONS_PER_CLIENT = 10_000;

/** A user id by core's id rule (printable, no control characters, no lone surrogates, bounded), core's message. */
const userId = z.string().superRefine((value, context) => {
  const problem = idProblem(value, 'user id');
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
});

const userIds = z
  .array(userId, { error: 'userIds must be an array of strings' })
  .min(1, { error: 'userIds must not be empty' })
  .max(MAX_IDS_PER_FRAME, { error: `at most ${MAX_IDS_PER_FRAME} user ids per frame` });

/** `userIds`, or `all: true` (every person, now and later; read scope), never both and never neither. */
const target = <T extends 'subscribe' | 'unsubscribe'>(type: T) =>
  z
    .object({ type: z.literal(type), userIds: userIds.optional(), all: z.literal(true, { error: 'all must be true when given' }).optional() })
    .refine((frame) => (frame.userIds === undefined) !== (frame.all === undefined), {
      error: 'give either userIds or "all": true',
    });

/** What a client may send. Anything else gets an `error` message; the connection stays open. */
export const clientFrameSchema = z.discriminatedUnion('type', [target('subscribe'), target('unsubscribe')], {
  error: 'type must be "subscribe" or "unsubscribe"',
});

/** Close codes the stream uses (documented in the service README). */
export const STREAM_CLOSE = {
  /** The client did not read its messages and its send buffer passed the bound: reconnect and resubscribe. */
  slowConsumer: { code: 4001, reason: 'slow consumer: messages not read; reconnect and subscribe again' },
  /** The client sent frames faster than {@link FRAMES_PER_SECOND} (after a burst of {@link FRAME_BURST}): send less. */
  tooManyFrames: { code: 4002, reason: 'too many frames: at most 50 a second after a burst of 100' },
} as const;

/** Frames a connection may send per second, sustained (a token bucket per connection, on real time). */
export const FRAMES_PER_SECOND = 50;
/** Frames a connection may send at once before the rate applies; the frame after closes it with 4002. */
export const FRAME_BURST = 100;
/** `error` answers per second a connection gets, after a burst of {@link ERROR_ANSWER_BURST}; other bad frames go unanswered. */
export const ERROR_ANSWERS_PER_SECOND = 1;
export const ERROR_ANSWER_BURST = 5;

/** People per tick when a snapshot covers everyone (`all: true`): the event loop stays responsive. */
export const SNAPSHOT_CHUNK = 250;

export type ClientFrame = z.infer<typeof clientFrameSchema>;

export type FrameResult = { ok: true; frame: ClientFrame } | { ok: false; code: string; message: string };

/** Parses one frame from a client without throwing. */
export function parseClientFrame(data: unknown, isBinary: boolean): FrameResult {
  if (isBinary) return { ok: false, code: 'INVALID_FRAME', message: 'binary frames are not supported; send JSON text' };
  let json: unknown;
  try {
    json = JSON.parse(String(data));
  } catch {
    return { ok: false, code: 'INVALID_FRAME', message: 'frame is not valid JSON' };
  }
  const result = clientFrameSchema.safeParse(json);
  if (result.success) return { ok: true, frame: result.data };
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return { ok: false, code: 'INVALID_FRAME', message: `${where}${issue.message}` };
}
