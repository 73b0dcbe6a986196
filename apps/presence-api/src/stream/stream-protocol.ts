import { MAX_IDS_PER_FRAME, MAX_SUBSCRIPTIONS_PER_CLIENT, STREAM_CLOSE, streamClientFrame } from '@amo/presence-contract';
import type { z } from 'zod';

/** The frames, their limits and the close codes are the contract's (`@amo/presence-contract`), defined once. */
export { MAX_IDS_PER_FRAME, MAX_SUBSCRIPTIONS_PER_CLIENT, STREAM_CLOSE };

/** What a client may send. Anything else gets an `error` message; the connection stays open. */
export const clientFrameSchema = streamClientFrame;

/** Frames a connection may send per second, sustained (a token bucket per connection, on real time). */
export const FRAMES_PER_SECOND = 50;
/** Frames a connection may send at once before the rate applies; the frame after closes it with 4002. */
export const FRAME_BURST = 100;
/** `error` answers per second a connection gets, after a burst of {@link ERROR_ANSWER_BURST}; other bad frames go unanswered. */
export const ERROR_ANSWERS_PER_SECOND = 1;
export const ERROR_ANSWER_BURST = 5;

/** People per tick when a snapshot covers everyone (`all: true`): the event loop stays responsive. */
export const SNAPSHOT_CHUNK = 250;

export type ClientFrame = z.output<typeof clientFrameSchema>;

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
