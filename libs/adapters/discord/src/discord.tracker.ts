import { isPresenceChange, type PlatformPresence } from '@amo/presence-core';
import { GuildDirectory } from './discord.guilds';
import { MemberResolver } from './discord.member-resolver';
import {
  offlinePresence,
  presenceUserId,
  type RawDiscordPresence,
  toPlatformPresence,
} from './discord.presence';
import {
  GatewayDispatchEvents,
  type GatewayDispatchPayload,
  type GatewayGuildCreateDispatchData,
  type GatewayGuildMembersChunkDispatchData,
  type GatewayReadyDispatchData,
  type GatewaySendPayload,
} from 'discord-api-types/v10';
import { shardOf } from './gateway/gateway.protocol';
import type { Timers } from '@amo/presence-adapter-kit';

/** What is read of a dispatch: the published shape, every field checked, since a peer may send less. */
type Received<T> = { [K in keyof T]?: unknown } | null;
type GuildCreate = Received<GatewayGuildCreateDispatchData>;
type MembersChunk = Received<GatewayGuildMembersChunkDispatchData>;
type MemberList = Array<{ user?: { id?: unknown } | null } | null> | null | undefined;

export interface PresenceTrackerOptions {
  /** Guilds to listen to; null listens to every guild the bot is in. */
  guildIds: ReadonlySet<string> | null;
  largeThreshold: number;
  timers: Timers;
  send(payload: GatewaySendPayload): void;
  /** The shard this tracker's session runs, `[id, count]`: a cold resume asks only its own guilds. */
  shard?: [number, number];
  /**
   * What listeners were last given per user. Shared by the trackers of one bot's shards, so a user seen on two
   * shards reaches the sink once per change.
   */
  delivered?: Map<string, PlatformPresence>;
}

/**
 * Turns the gateway's dispatches into one presence record per user: initial state from GUILD_CREATE,
 * the rest of the tracked members from op 8 chunks, then PRESENCE_UPDATE. Identical updates (one per shared
 * guild) reach the sink once, "identical" by core's own rule ({@link isPresenceChange}), so the sink hears
 * exactly what core would count as a change.
 *
 * Tracked ids say whom to ask the gateway about (op 8), not whom to deliver: every member's record goes to
 * the sink, and core's ingest keeps those linked to a person who consented. That is the one tracked-accounts
 * filter: it sees links and consent the moment they change, where a copy here followed them a turn later.
 */
export class PresenceTracker {
  private readonly records = new Map<string, PlatformPresence>();
  private readonly delivered: Map<string, PlatformPresence>;
  private tracked: Set<string> | null = null;
  private sink: ((record: PlatformPresence) => void) | null = null;
  private readonly directory: GuildDirectory;
  readonly resolver: MemberResolver;
  private sessionReady = false;
  /** The bot's own user: GUILD_CREATE lists it as a member, but it is nobody to track. */
  private botUserId: string | undefined;
  private syncWaiters: Array<() => void> = [];
  /** Updates received and normalized (before de-duplication). */
  updates = 0;

  constructor(private readonly o: PresenceTrackerOptions) {
    this.delivered = o.delivered ?? new Map();
    const [shardId, shardCount] = o.shard ?? [0, 1];
    this.directory = new GuildDirectory(o.guildIds, (guildId) => shardOf(guildId, shardCount) === shardId);
    this.resolver = new MemberResolver({
      directory: this.directory,
      timers: o.timers,
      send: o.send,
      isResolved: (id) => this.records.has(id),
      onIdle: () => this.checkSynced(),
    });
  }

  /** The initial state is complete: every guild arrived and every tracked member was asked about. */
  get synced(): boolean {
    return this.sessionReady && this.directory.allCreated() && !this.resolver.busy;
  }

  get missingGuilds(): readonly string[] {
    return this.directory.missing;
  }

  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Starts delivering; the sink first gets the current record of every tracked user. */
  attach(sink: (record: PlatformPresence) => void): void {
    this.sink = sink;
    for (const record of this.records.values()) this.deliver(record);
  }

  detach(): void {
    this.sink = null;
  }

  setTracked(ids: readonly string[] | null): void {
    const before = this.tracked;
    this.tracked = ids === null ? null : new Set(ids);
    if (this.tracked === null) return;
    const added = [...this.tracked].filter((id) => before === null || !before.has(id));
    // Delivered before anyone linked them (and dropped by core then): sent again now that someone might.
    for (const id of added) {
      const record = this.records.get(id);
      if (record === undefined) continue;
      this.delivered.delete(id);
      this.deliver(record);
    }
    if (this.sessionReady) this.resolver.enqueue(added.filter((id) => !this.records.has(id)));
  }

  /** The record for an id, or undefined when no guild the bot shares lists the user. */
  resolve(id: string): PlatformPresence | undefined {
    return this.records.get(id);
  }

  dispatch(payload: GatewayDispatchPayload): void {
    switch (payload.t) {
      case GatewayDispatchEvents.PresenceUpdate:
        return this.onPresence(payload.d as RawDiscordPresence | null);
      case GatewayDispatchEvents.GuildCreate:
        return this.onGuildCreate(payload.d as GuildCreate);
      case GatewayDispatchEvents.GuildMembersChunk:
        return this.onChunk(payload.d as MembersChunk);
      case GatewayDispatchEvents.RateLimited:
        return this.resolver.onRateLimited(payload.d as Parameters<MemberResolver['onRateLimited']>[0]);
      case GatewayDispatchEvents.Ready:
        return this.onReady(payload.d as Received<GatewayReadyDispatchData>);
      case GatewayDispatchEvents.Resumed:
        return this.sessionReady ? this.resolver.onResumed() : this.onColdResume();
    }
  }

  close(): void {
    this.resolver.close();
    this.sink = null;
    this.syncWaiters = [];
  }

  private onReady(d: Received<GatewayReadyDispatchData>): void {
    // A new session resends every guild: rebuild from it, but remember what listeners already have.
    this.records.clear();
    this.resolver.reset();
    const user = d?.user as { id?: unknown } | undefined;
    this.botUserId = typeof user?.id === 'string' ? user.id : undefined;
    const guilds = Array.isArray(d?.guilds) ? (d.guilds as Array<{ id?: unknown } | null>) : [];
    const ids = guilds.map((g) => g?.id).filter((id): id is string => typeof id === 'string');
    this.directory.reset(ids);
    this.sessionReady = true;
    if (this.tracked) this.resolver.enqueue(this.tracked);
    this.checkSynced();
  }

  /**
   * A session saved by a previous process was resumed: no GUILD_CREATE will come, so every configured guild is
   * asked about the tracked members (replayed and later updates refine it).
   */
  private onColdResume(): void {
    this.directory.assumeAll();
    this.sessionReady = true;
    if (this.tracked) this.resolver.enqueue(this.tracked);
    this.checkSynced();
  }

  private onPresence(raw: RawDiscordPresence | null): void {
    if (raw === null || typeof raw !== 'object' || !this.directory.accepts(raw.guild_id)) return;
    const record = toPlatformPresence(raw, new Date(this.o.timers.now()));
    if (record) this.store(record);
  }

  private onGuildCreate(d: GuildCreate | null): void {
    if (d === null || typeof d !== 'object' || !this.directory.accepts(d.id) || d.unavailable === true) return;
    const memberCount = typeof d.member_count === 'number' ? d.member_count : 0;
    const large = d.large === true || memberCount > this.o.largeThreshold;
    this.directory.created(d.id, large, memberCount);
    this.applyMembers(d.id, d.members as MemberList, d.presences);
    this.resolver.startPass();
    this.checkSynced();
  }

  private onChunk(d: MembersChunk | null): void {
    if (d === null || typeof d !== 'object' || !this.directory.accepts(d.guild_id)) return;
    this.applyMembers(d.guild_id, d.members as MemberList, d.presences);
    this.resolver.onChunk(d.nonce, d.chunk_index, d.chunk_count);
  }

  /** Presences first; then listed members without one are offline, unless another guild says otherwise. */
  private applyMembers(guildId: string, members: MemberList, presences: unknown): void {
    const observedAt = new Date(this.o.timers.now());
    for (const raw of Array.isArray(presences) ? (presences as Array<RawDiscordPresence | null>) : []) {
      const record = raw && toPlatformPresence(raw, observedAt);
      if (!record) continue;
      this.directory.addMember(guildId, record.accountId);
      this.store(record);
    }
    for (const member of Array.isArray(members) ? members : []) {
      const id = presenceUserId(member ?? undefined);
      if (id === undefined) continue;
      this.directory.addMember(guildId, id);
      if (!this.records.has(id)) this.store(offlinePresence(id, observedAt));
    }
  }

  private store(record: PlatformPresence): void {
    if (record.accountId === this.botUserId) return;
    this.updates += 1;
    this.records.set(record.accountId, record);
    this.deliver(record);
  }

  private deliver(record: PlatformPresence): void {
    if (this.sink === null || !isPresenceChange(this.delivered.get(record.accountId), record)) return;
    this.delivered.set(record.accountId, record);
    this.sink(record);
  }

  private checkSynced(): void {
    if (!this.synced) return;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
