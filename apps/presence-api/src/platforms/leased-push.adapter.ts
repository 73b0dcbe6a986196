import { BUS_TYPES, ChangeBus, isPlatform, LeaseKeeper, parseConnection, RedisLink } from '@amo/presence-cluster';
import type {
  AdapterCapabilities,
  AdapterHealth,
  ConnectionState,
  FetchResult,
  Platform,
  PresenceAdapter,
  PresenceError,
  PushSink,
  WebhookDelivery,
  WebhookReply,
} from '@amo/presence-core';

/**
 * What a platform's lease-owned push is made of: Discord's gateway shards, Graph's one subscription set. Only the
 * instance holding a unit's lease runs it; every instance knows the units and their state.
 */
export interface PushUnits {
  /** The units (checks the credentials too: GET /gateway/bot for Discord). */
  list(): Promise<string[]>;
  /** The adapter that runs one unit while this instance holds its lease, built afresh (stored state read then). */
  build(unit: string, units: readonly string[]): Promise<PresenceAdapter>;
  /** The adapter for everything but the owned push on every instance (Graph: polls, answers handshakes). */
  base?: PresenceAdapter;
}

export interface LeasedPushOptions {
  platform: Platform;
  capabilities: AdapterCapabilities;
  units: PushUnits;
  link: RedisLink;
  bus: ChangeBus;
  instanceId: string;
  leaseMs: number;
  /** False on an `api` instance: it owns nothing, it only follows the units' state. */
  mayOwn: boolean;
  log: { log(message: string): void; warn(message: string): void };
}

interface Owned {
  adapter: PresenceAdapter;
  state: ConnectionState;
  error?: PresenceError;
}

interface Heard {
  state: ConnectionState;
  at: number;
}

/** A webhook delivery a non-owner received, relayed on the bus to the owner (bus type `webhook`). */
interface RelayedDelivery {
  platform: Platform;
  delivery: WebhookDelivery;
}

const RELAY = 'webhook';

function parseRelayed(body: unknown): RelayedDelivery | undefined {
  const value = body as { platform?: unknown; method?: unknown; headers?: unknown; query?: unknown; body?: unknown } | null;
  if (!isPlatform(value?.platform) || (value.method !== 'GET' && value.method !== 'POST') || typeof value.body !== 'string') return undefined;
  const strings = (record: unknown): record is Record<string, string> =>
    typeof record === 'object' && record !== null && Object.values(record).every((entry) => typeof entry === 'string');
  if (!strings(value.headers) || !strings(value.query)) return undefined;
  return { platform: value.platform, delivery: { method: value.method, headers: value.headers, query: value.query, rawBody: Buffer.from(value.body, 'base64') } };
}

/**
 * A push platform as core sees it in cluster mode: one adapter whose push is spread over the cluster by
 * Redis leases, one per unit (`push:<platform>:<unit>`). While push is started, this instance tries to hold its
 * fair share of the units (ceil(units / live candidates), candidates being the instances that may own); a unit
 * it holds runs a real adapter built for it (a Discord shard resumes from the session its last owner stored),
 * renewed at a third of the lease; a unit whose owner died is taken over once its lease expires. An instance
 * above its share hands one unit back each round, so shards spread as instances join. Each owner announces its
 * units' state on the bus every round; core's connection state here is the whole platform's: up when every
 * unit is up on some instance, so push records stay fresh on instances that own nothing.
 */
export class LeasedPushAdapter implements PresenceAdapter {
  readonly platform: Platform;
  readonly capabilities: AdapterCapabilities;
  private unitIds: string[] = [];
  private readonly keepers = new Map<string, LeaseKeeper>();
  private readonly owned = new Map<string, Owned>();
  /** Units whose lease was just taken and whose adapter is being built: they count toward the share. */
  private readonly claiming = new Set<string>();
  private readonly heard = new Map<string, Heard>();
  private tracked: readonly string[] = [];
  private sink: PushSink | undefined;
  private reported: ConnectionState | undefined;
  private round: NodeJS.Timeout | undefined;
  private stops: (() => void)[] = [];
  private live = 1;
  private closed = false;

  constructor(private readonly o: LeasedPushOptions) {
    this.platform = o.platform;
    this.capabilities = o.capabilities;
  }

  async connect(): Promise<void> {
    this.unitIds = await this.o.units.list();
    await this.o.units.base?.connect();
  }

  async fetchPresence(accountIds: readonly string[]): Promise<FetchResult> {
    if (this.o.units.base) return this.o.units.base.fetchPresence(accountIds);
    const records: FetchResult['records'] = [];
    for (const { adapter } of this.owned.values()) records.push(...(await adapter.fetchPresence(accountIds)).records);
    return { records, notFound: [] };
  }

  async startPush(sink: PushSink): Promise<void> {
    this.sink = sink;
    this.stops.push(
      this.o.bus.on(BUS_TYPES.connection, parseConnection, (body) => this.onHeard(body.platform, body.unit, body.state)),
      this.o.bus.on(RELAY, parseRelayed, ({ platform, delivery }) => {
        if (platform === this.platform) this.ownerAdapter()?.handleWebhook?.(delivery);
      }),
    );
    this.report();
    this.round = setInterval(() => void this.tick(), Math.max(200, Math.floor(this.o.leaseMs / 3)));
    this.round.unref();
    if (!this.o.mayOwn) return;
    for (const unit of this.unitIds) {
      const keeper = new LeaseKeeper(this.o.link, `push:${this.platform}:${unit}`, {
        holder: this.o.instanceId,
        ttlMs: this.o.leaseMs,
        shouldAcquire: () => this.owned.size + this.claiming.size < this.share(),
        onError: (error) => this.o.log.warn(`${this.platform} ${unit}: lease: ${error.message}`),
      });
      keeper.on('acquired', () => void this.own(unit, keeper));
      keeper.on('lost', () => void this.disown(unit, 'lease lost'));
      this.keepers.set(unit, keeper);
    }
    await this.tick();
    for (const keeper of this.keepers.values()) keeper.start();
  }

  /** Stops for real (POST /v1/monitoring/stop): units stopped resumably, leases released. */
  async stopPush(): Promise<void> {
    await this.stopAll((adapter) => adapter.stopPush?.());
    this.sink = undefined;
  }

  setTrackedIds(accountIds: readonly string[]): void {
    this.tracked = accountIds;
    this.o.units.base?.setTrackedIds?.(accountIds);
    for (const { adapter } of this.owned.values()) adapter.setTrackedIds?.(accountIds);
  }

  health(): AdapterHealth {
    const first = this.o.units.base ?? [...this.owned.values()][0]?.adapter;
    const health = first?.health?.() ?? { breaker: 'closed', budgets: [], retries: 0 };
    return { ...health, connection: this.combined() };
  }

  /**
   * A webhook goes to the unit adapter that holds what it answers to (Graph's clientState). A load balancer sends
   * it to any instance: a handshake (a GET, or Graph's `validationToken`) is answered by the base adapter here; a
   * notification this instance cannot check is relayed on the bus to the owner, which checks and applies it, and
   * accepted (202) now, as the platform expects a quick answer.
   */
  handleWebhook(delivery: WebhookDelivery): WebhookReply {
    const owner = this.ownerAdapter();
    if (owner?.handleWebhook) return owner.handleWebhook(delivery);
    const base = this.o.units.base;
    if (delivery.method === 'GET' || delivery.query.validationToken !== undefined) {
      if (base?.handleWebhook) return base.handleWebhook(delivery);
    }
    const headers = Object.fromEntries(Object.entries(delivery.headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
    this.o.bus.publish(RELAY, { platform: this.platform, method: delivery.method, headers, query: delivery.query, body: delivery.rawBody.toString('base64') });
    return { status: 202, body: '' };
  }

  /** Shutdown: units closed (a Discord session kept for the next owner), leases released so one takes over now. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopAll((adapter) => adapter.close());
    await this.o.units.base?.close();
  }

  private ownerAdapter(): PresenceAdapter | undefined {
    return [...this.owned.values()].find(({ adapter }) => adapter.handleWebhook)?.adapter;
  }

  /** Units this instance holds now (tests and health). */
  ownedUnits(): string[] {
    return [...this.owned.keys()];
  }

  // ---- ownership ---------------------------------------------------------------------------------------

  private async own(unit: string, keeper: LeaseKeeper): Promise<void> {
    if (this.owned.has(unit) || this.claiming.has(unit) || this.closed) return;
    this.o.log.log(`${this.platform} ${unit}: this instance owns it now`);
    let adapter: PresenceAdapter | undefined;
    this.claiming.add(unit);
    try {
      adapter = await this.o.units.build(unit, this.unitIds).finally(() => this.claiming.delete(unit));
      if (!keeper.holding || this.closed) return void (await adapter.close());
      const entry: Owned = { adapter, state: 'connecting' };
      this.owned.set(unit, entry);
      this.announce(unit, 'connecting');
      adapter.setTrackedIds?.(this.tracked);
      await adapter.connect();
      await adapter.startPush?.({
        presence: (record) => {
          if (this.owned.get(unit) === entry) this.sink?.presence(record);
        },
        connection: (state, error) => {
          if (this.owned.get(unit) !== entry) return;
          entry.state = state;
          entry.error = error;
          this.announce(unit, state);
        },
      });
      if (this.owned.get(unit) !== entry) await adapter.close();
    } catch (error) {
      this.o.log.warn(`${this.platform} ${unit}: could not start (${(error as Error).message}); handing it back`);
      if (adapter && this.owned.get(unit)?.adapter === adapter) this.owned.delete(unit);
      await adapter?.close().catch(() => undefined);
      this.announce(unit, 'down');
      await keeper.yield();
    }
  }

  private async disown(unit: string, why: string): Promise<void> {
    const entry = this.owned.get(unit);
    if (!entry) return;
    this.owned.delete(unit);
    this.o.log.log(`${this.platform} ${unit}: no longer owned here (${why})`);
    // Stopped, not closed: whatever lets the next owner resume (a Discord session) is stored first.
    await entry.adapter.stopPush?.().catch(() => undefined);
    await entry.adapter.close().catch(() => undefined);
    this.report();
  }

  private async stopAll(stop: (adapter: PresenceAdapter) => Promise<void> | undefined): Promise<void> {
    if (this.round) clearInterval(this.round);
    this.round = undefined;
    for (const off of this.stops.splice(0)) off();
    const entries = [...this.owned.entries()];
    this.owned.clear();
    await Promise.all(entries.map(([, entry]) => stop(entry.adapter)?.catch(() => undefined)));
    await Promise.all([...this.keepers.values()].map((keeper) => keeper.stop()));
    this.keepers.clear();
    for (const [unit] of entries) this.announce(unit, 'down');
  }

  /**
   * One round: this instance says it is a candidate, counts the live ones, announces its units' state (so an
   * instance that just started learns it), and hands back a unit when it holds more than its share.
   */
  private async tick(): Promise<void> {
    // An owner that died says nothing more: its units read as down once a lease has passed without word.
    this.report();
    if (!this.o.mayOwn) return;
    const { link } = this.o;
    const key = link.key('push-candidates', this.platform);
    const now = Date.now();
    try {
      const results = await link.commands
        .multi()
        .zadd(key, now, this.o.instanceId)
        .zremrangebyscore(key, '-inf', now - this.o.leaseMs)
        .zcard(key)
        .pexpire(key, this.o.leaseMs * 2)
        .exec();
      this.live = Math.max(1, Number(results?.[2]?.[1] ?? 1));
    } catch {
      // Redis down: the leases lapse by themselves; nothing to count.
    }
    for (const [unit, entry] of this.owned) this.announce(unit, entry.state);
    if (this.owned.size > this.share()) {
      const unit = [...this.owned.keys()].sort().pop() as string;
      await this.keepers.get(unit)?.yield();
    }
  }

  private share(): number {
    return Math.ceil(Math.max(1, this.unitIds.length) / this.live);
  }

  // ---- state -------------------------------------------------------------------------------------------

  private announce(unit: string, state: ConnectionState): void {
    this.o.bus.publish(BUS_TYPES.connection, { platform: this.platform, unit, state });
    this.report();
  }

  private onHeard(platform: Platform, unit: string, state: ConnectionState): void {
    if (platform !== this.platform || this.owned.has(unit)) return;
    this.heard.set(unit, { state, at: Date.now() });
    this.report();
  }

  /** The platform's state: up when every unit is up here or (heard within a lease) on another instance. */
  private combined(): ConnectionState {
    if (this.unitIds.length === 0) return 'down';
    const now = Date.now();
    const states = this.unitIds.map((unit) => {
      const mine = this.owned.get(unit);
      if (mine) return mine.state;
      const heard = this.heard.get(unit);
      return heard && now - heard.at <= this.o.leaseMs ? heard.state : 'down';
    });
    if (states.every((state) => state === 'up')) return 'up';
    if (states.some((state) => state === 'failed')) return 'failed';
    return states.some((state) => state === 'connecting') ? 'connecting' : 'down';
  }

  private report(): void {
    const state = this.combined();
    if (state === this.reported || !this.sink) return;
    this.reported = state;
    const failed = [...this.owned.values()].find((entry) => entry.state === 'failed');
    this.sink.connection(state, failed?.error);
  }
}
