import type { GuildDirectory } from './discord.guilds';
import { GatewayOpcodes, type GatewaySendPayload } from 'discord-api-types/v10';
import type { Timers } from '@amo/presence-adapter-kit';
import { TimerSlots } from './gateway/timers';

/** Request Guild Members accepts at most 100 `user_ids` per request. */
export const MEMBER_BATCH_SIZE = 100;
/**
 * A request with no answer in this time is sent again (a lost frame must not stall the initial sync). Longer
 * than one send window, since a request can wait that long behind the 120/60 s limit.
 */
const ANSWER_TIMEOUT_MS = 90_000;
const MAX_TRIES = 3;
/** Requests sent and not yet answered; the rest wait here rather than in the send queue. */
const MAX_IN_FLIGHT = 10;

interface Batch {
  guildId: string;
  ids: string[];
  tries: number;
}

interface Pass {
  ids: string[];
  guilds: string[];
  index: number;
}

export interface MemberResolverOptions {
  directory: GuildDirectory;
  timers: Timers;
  send(payload: GatewaySendPayload): void;
  /** Whether an id already has a presence (then no guild needs asking). */
  isResolved(id: string): boolean;
  /** Called when a pass has asked every large guild; `busy` is false by then if nothing else is queued. */
  onIdle(): void;
}

/**
 * Asks large guilds about tracked members that GUILD_CREATE did not list (op 8 with `user_ids` and
 * `presences: true`), one guild at a time, biggest first, so a member found in one guild is not asked about
 * in the next. Honors the op-8 `RATE_LIMITED` dispatch and re-sends unanswered requests after a resume.
 */
export class MemberResolver {
  readonly counters = { requests: 0, chunks: 0, rateLimited: 0, retries: 0, abandoned: 0 };
  private readonly queue = new Set<string>();
  private pass: Pass | null = null;
  private readonly outstanding = new Map<string, Batch>();
  private readonly waiting: string[] = [];
  private readonly slots: TimerSlots;
  private nonce = 0;

  constructor(private readonly o: MemberResolverOptions) {
    this.slots = new TimerSlots(o.timers);
  }

  get busy(): boolean {
    return this.pass !== null || this.queue.size > 0;
  }

  /** Queues ids for the next pass; passes start only once every guild has arrived. */
  enqueue(ids: Iterable<string>): void {
    for (const id of ids) this.queue.add(id);
    this.startPass();
  }

  /** After each GUILD_CREATE: start a queued pass if the last guild just arrived. */
  startPass(): void {
    if (this.pass !== null || !this.o.directory.allCreated()) return;
    const ids = [...this.queue].filter((id) => !this.o.isResolved(id));
    this.queue.clear();
    const guilds = this.o.directory.largeGuilds().map((g) => g.id);
    if (ids.length === 0 || guilds.length === 0) return this.o.onIdle();
    this.pass = { ids, guilds, index: 0 };
    this.askNextGuild();
  }

  /** A GUILD_MEMBERS_CHUNK for one of our nonces arrived (members and presences are applied by the caller). */
  onChunk(nonce: unknown, chunkIndex: unknown, chunkCount: unknown): void {
    if (typeof nonce !== 'string' || !this.outstanding.has(nonce)) return;
    this.counters.chunks += 1;
    if (typeof chunkIndex === 'number' && typeof chunkCount === 'number' && chunkIndex < chunkCount - 1) return;
    this.settle(nonce);
  }

  /** `RATE_LIMITED` dispatch `{opcode: 8, retry_after (s), meta: {guild_id, nonce}}`: ask again later. */
  onRateLimited(d: { opcode?: unknown; retry_after?: unknown; meta?: { nonce?: unknown } } | null): void {
    if (d?.opcode !== GatewayOpcodes.RequestGuildMembers) return;
    this.counters.rateLimited += 1;
    const waitMs = typeof d.retry_after === 'number' ? Math.ceil(d.retry_after * 1000) : 1_000;
    const nonce = d.meta?.nonce;
    const nonces = typeof nonce === 'string' && this.outstanding.has(nonce) ? [nonce] : [...this.outstanding.keys()];
    for (const n of nonces) this.slots.set(n, waitMs, () => this.request(n));
  }

  /** Requests queued or in flight on the old connection may be lost: send the unanswered ones again. */
  onResumed(): void {
    for (const nonce of this.outstanding.keys()) if (!this.waiting.includes(nonce)) this.request(nonce);
  }

  /** A new session (READY): everything in flight belongs to the old one. */
  reset(): void {
    this.slots.clearAll();
    this.outstanding.clear();
    this.waiting.length = 0;
    this.pass = null;
  }

  close(): void {
    this.reset();
    this.queue.clear();
  }

  private askNextGuild(): void {
    const pass = this.pass as Pass;
    pass.ids = pass.ids.filter((id) => !this.o.isResolved(id));
    if (pass.index >= pass.guilds.length || pass.ids.length === 0) {
      this.pass = null;
      if (this.queue.size > 0) return this.startPass();
      return this.o.onIdle();
    }
    const guildId = pass.guilds[pass.index] as string;
    pass.index += 1;
    for (let at = 0; at < pass.ids.length; at += MEMBER_BATCH_SIZE) {
      const nonce = `amo-${(this.nonce += 1)}`;
      this.outstanding.set(nonce, { guildId, ids: pass.ids.slice(at, at + MEMBER_BATCH_SIZE), tries: 0 });
      this.waiting.push(nonce);
    }
    this.pump();
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.outstanding.size - this.waiting.length < MAX_IN_FLIGHT) {
      this.request(this.waiting.shift() as string);
    }
  }

  private request(nonce: string): void {
    const batch = this.outstanding.get(nonce);
    if (!batch) return;
    if (batch.tries >= MAX_TRIES) {
      this.counters.abandoned += 1;
      return this.settle(nonce);
    }
    if (batch.tries > 0) this.counters.retries += 1;
    batch.tries += 1;
    this.counters.requests += 1;
    this.o.send({
      op: GatewayOpcodes.RequestGuildMembers,
      d: { guild_id: batch.guildId, user_ids: batch.ids, presences: true, nonce },
    });
    this.slots.set(nonce, ANSWER_TIMEOUT_MS, () => this.request(nonce));
  }

  private settle(nonce: string): void {
    this.slots.clear(nonce);
    this.outstanding.delete(nonce);
    this.pump();
    if (this.outstanding.size === 0 && this.pass !== null) this.askNextGuild();
  }
}
