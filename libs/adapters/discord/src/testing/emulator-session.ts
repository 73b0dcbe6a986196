import type { GatewayDispatchEvents } from 'discord-api-types/v10';

/** Where a session's dispatches go while it has a live connection. */
export interface SessionSink {
  deliver(frame: string): void;
  close(code: number, reason?: string): void;
}

/**
 * One gateway session: its sequence, the identify it was opened with, and a ring of its recent dispatches so
 * a Resume can replay what a dropped (or zombied) connection missed.
 */
export class EmulatedSession {
  seq = 0;
  connection: SessionSink | null = null;
  private readonly ring: string[];

  constructor(
    readonly id: string,
    readonly token: string,
    readonly intents: number,
    readonly shard: [number, number],
    readonly largeThreshold: number,
    private readonly capacity: number,
  ) {
    this.ring = new Array<string>(capacity);
  }

  /** Numbers a dispatch, keeps it for replay and sends it if a connection is attached. */
  dispatch(type: GatewayDispatchEvents, data: unknown): string {
    this.seq += 1;
    const frame = `{"op":0,"t":"${type}","s":${this.seq},"d":${JSON.stringify(data)}}`;
    this.ring[(this.seq - 1) % this.capacity] = frame;
    this.connection?.deliver(frame);
    return frame;
  }

  /** The dispatches after `seq`, or null when they are no longer buffered (or `seq` is from the future). */
  replayAfter(seq: number | null): string[] | null {
    const from = (seq ?? 0) + 1;
    if (from > this.seq + 1) return null;
    if (this.seq - from + 1 > this.capacity) return null;
    const frames: string[] = [];
    for (let s = from; s <= this.seq; s += 1) frames.push(this.ring[(s - 1) % this.capacity] as string);
    return frames;
  }

  /** Whether a Resume's `seq` is one this session ever sent. */
  knows(seq: number | null): boolean {
    return seq === null || (Number.isInteger(seq) && seq >= 0 && seq <= this.seq);
  }
}
