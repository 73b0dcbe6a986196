import type { ConnectionState, PlatformPresence, PresenceError } from '@amo/presence-core';
import type { Timers } from '@amo/presence-adapter-kit';
import { PresenceTracker } from './discord.tracker';
import { GatewayMachine, type GatewayMachineOptions } from './gateway/gateway.machine';
import type { DiscordSessionState } from './gateway/gateway.protocol';
import { type DiscordSessions, storedSessions } from './gateway/gateway.sessions';

/** What every shard's machine shares: token, intents, transport, identify throttle, time, backoff. */
export type ShardMachineOptions = Omit<GatewayMachineOptions, 'shard' | 'gatewayUrl' | 'session' | 'listener'>;

export interface DiscordShardsOptions {
  machine: ShardMachineOptions;
  guildIds: ReadonlySet<string>;
  timers: Timers;
  /** Sessions loaded from the store, by shard id. */
  sessions: Map<number, DiscordSessionState>;
  onSessions(sessions: DiscordSessions | null): void;
  /** The bot's state across shards changed: `up` once every shard is ready. */
  onState(state: ConnectionState, error?: PresenceError): void;
}

interface Shard {
  id: number;
  tracker: PresenceTracker;
  machine: GatewayMachine | null;
  state: ConnectionState;
  error?: PresenceError;
}

/**
 * The shards one process runs for a bot: each its own gateway connection (a {@link GatewayMachine}) and
 * presence tracker, identifying through the shared identify throttle. Keeps one session per shard, so a
 * stopped set resumes when started again.
 */
export class DiscordShards {
  private shards = new Map<number, Shard>();
  private total = 0;
  /** Shared by the trackers: a user seen on several shards reaches the sink once per change. */
  private readonly delivered = new Map<string, PlatformPresence>();
  private tracked: readonly string[] | null = null;
  private sink: ((record: PlatformPresence) => void) | null = null;
  private reported: { state: ConnectionState; error?: PresenceError } = { state: 'down' };

  constructor(private readonly o: DiscordShardsOptions) {}

  /** Whether machines are running (not stopped, not every one failed). */
  get running(): boolean {
    const machines = this.machines();
    return machines.length > 0 && machines.some((m) => m.phase !== 'failed' && m.phase !== 'stopped');
  }

  get state(): ConnectionState {
    return this.reported.state;
  }

  get error(): PresenceError | undefined {
    return this.reported.error;
  }

  /** Opens shards `ids` of `total` at `gatewayUrl`; trackers are kept when the shard layout is unchanged. */
  start(ids: readonly number[], total: number, gatewayUrl: string): void {
    if (total !== this.total || ids.length !== this.shards.size || ids.some((id) => !this.shards.has(id))) {
      for (const shard of this.shards.values()) shard.tracker.close();
      this.shards = new Map(ids.map((id) => [id, this.newShard(id, total)]));
      this.total = total;
    }
    for (const shard of this.shards.values()) {
      shard.state = 'connecting';
      shard.error = undefined;
      shard.machine = this.newMachine(shard, gatewayUrl);
    }
    for (const shard of this.shards.values()) shard.machine?.start();
  }

  /** Closes every connection resumably; the sessions stay for the next {@link start}. */
  async stop(): Promise<void> {
    const machines = this.machines();
    for (const shard of this.shards.values()) shard.machine = null;
    await Promise.all(machines.map((m) => m.stop()));
    for (const shard of this.shards.values()) shard.state = 'down';
    this.report();
  }

  close(): void {
    for (const shard of this.shards.values()) shard.tracker.close();
    this.sink = null;
  }

  attach(sink: (record: PlatformPresence) => void): void {
    this.sink = sink;
    for (const shard of this.shards.values()) shard.tracker.attach(sink);
  }

  detach(): void {
    this.sink = null;
    for (const shard of this.shards.values()) shard.tracker.detach();
  }

  setTracked(ids: readonly string[]): void {
    this.tracked = ids;
    for (const shard of this.shards.values()) shard.tracker.setTracked(ids);
  }

  whenSynced(): Promise<void> {
    return Promise.all([...this.shards.values()].map((s) => s.tracker.whenSynced())).then(() => undefined);
  }

  /** A user in guilds on several shards: the most recent record. */
  resolve(id: string): PlatformPresence | undefined {
    let best: PlatformPresence | undefined;
    for (const shard of this.shards.values()) {
      const record = shard.tracker.resolve(id);
      if (record && (!best || record.observedAt.getTime() > best.observedAt.getTime())) best = record;
    }
    return best;
  }

  /** Configured guilds no shard's READY listed. */
  missingGuilds(): string[] {
    const [first, ...rest] = [...this.shards.values()].map((s) => s.tracker.missingGuilds);
    return (first ?? []).filter((id) => rest.every((missing) => missing.includes(id)));
  }

  session(shardId: number): DiscordSessionState | null {
    return this.shards.get(shardId)?.machine?.currentSession() ?? this.o.sessions.get(shardId) ?? null;
  }

  /** The most sends any one connection used in its current window (the limit is per connection). */
  sendsInWindow(): number {
    return Math.max(0, ...this.machines().map((m) => m.sendsInWindow()));
  }

  stats(): Record<string, number> {
    const totals: Record<string, number> = { shards: this.shards.size, invalidFrames: 0, presencesNormalized: 0 };
    const add = (key: string, value: number): void => {
      totals[key] = (totals[key] ?? 0) + value;
    };
    for (const shard of this.shards.values()) {
      const m = shard.machine;
      if (m) {
        add('invalidFrames', m.invalidFrames);
        for (const [key, value] of Object.entries(m.counters)) add(key, value);
      }
      for (const [key, value] of Object.entries(shard.tracker.resolver.counters)) add(`memberRequests.${key}`, value);
      add('presencesNormalized', shard.tracker.updates);
    }
    return totals;
  }

  private machines(): GatewayMachine[] {
    return [...this.shards.values()].flatMap((s) => (s.machine ? [s.machine] : []));
  }

  private newShard(id: number, total: number): Shard {
    const shard: Shard = { id, machine: null, state: 'down', tracker: undefined as unknown as PresenceTracker };
    shard.tracker = new PresenceTracker({
      guildIds: this.o.guildIds,
      largeThreshold: this.o.machine.largeThreshold,
      timers: this.o.timers,
      send: (payload) => shard.machine?.send(payload),
      shard: [id, total],
      delivered: this.delivered,
    });
    if (this.tracked) shard.tracker.setTracked(this.tracked);
    if (this.sink) shard.tracker.attach(this.sink);
    return shard;
  }

  private newMachine(shard: Shard, gatewayUrl: string): GatewayMachine {
    const machine: GatewayMachine = new GatewayMachine({
      ...this.o.machine,
      shard: [shard.id, this.total],
      gatewayUrl,
      session: this.o.sessions.get(shard.id) ?? null,
      listener: {
        dispatch: (payload) => shard.tracker.dispatch(payload),
        session: (session) => {
          if (session) this.o.sessions.set(shard.id, session);
          else this.o.sessions.delete(shard.id);
          this.o.onSessions(storedSessions(this.o.sessions));
        },
        connection: (state, error) => {
          if (shard.machine !== machine) return;
          shard.state = state;
          shard.error = error;
          this.report();
        },
      },
    });
    return machine;
  }

  /** Tells the owner when the bot's overall state changes: failed if any shard failed, up when all are. */
  private report(): void {
    const shards = [...this.shards.values()];
    const failed = shards.find((s) => s.state === 'failed');
    let state: ConnectionState;
    if (shards.length === 0) state = 'down';
    else if (failed) state = 'failed';
    else if (shards.every((s) => s.state === 'up')) state = 'up';
    else if (shards.some((s) => s.state === 'down')) state = 'down';
    else state = 'connecting';
    const error = failed?.error;
    if (state === this.reported.state && error === this.reported.error) return;
    this.reported = { state, error };
    this.o.onState(state, error);
  }
}
