import {
  type AdapterCapabilities,
  type AdapterFactory,
  type AdapterHealth,
  type FetchResult,
  InvalidInputError,
  type PlatformPresence,
  PresenceError,
  type PresenceAdapter,
  type PushSink,
  type RateBudgetSpec,
} from '@amo/presence-core';
import { type BackoffOptions, type BreakerOptions, httpClientTuning, RateBudgetRegistry, type TimerClock } from '@amo/presence-adapter-kit';
import { SlackWebClient } from './slack.client';
import { parseSlackCredentials, parseSlackBaseUrl, type SlackCredentials } from './slack.credentials';
import { handleSlackEvent, type SlackEventRequest, type SlackEventResult } from './slack.events';
import { SLACK_BUCKETS, SLACK_BUDGET_SPECS, SLACK_DEFAULT_BASE_URL, SLACK_DEFAULT_INTERVAL_MS } from './slack.manifest';
import { buildSlackRecord, mergeSlackState, type SlackUserState, type SlackUserUpdate } from './slack.state';
import { idsPerStep, roomNow, slackCapabilities, type SlackSweepBudgets, type SlackSweepOptions, stepAllowance, sweepOrder } from './slack.sweep';
import { readStep } from './slack.step';

/** Configuration of one Slack workspace connection. Never read from the environment: the app passes it in. */
export interface SlackAdapterConfig extends SlackCredentials {
  /** The interval the monitor polls at (default 30 s); each fetch reads as many people as fit in it. */
  pollIntervalMs?: number;
  /** Read DND windows with dnd.teamInfo (default true; needs `dnd:read`). */
  readDnd?: boolean;
  /** Read custom status with users.profile.get (default true; needs `users.profile:read`). */
  readProfiles?: boolean;
  /** Requests in flight at once within a step (default 4). */
  concurrency?: number;
  /** Per-call HTTP timeout (kit default 10 s). */
  timeoutMs?: number;
  /** Retries of a transient or rate-limited call (kit default 3, the seed's PRESENCE_MAX_RETRIES). */
  maxRetries?: number;
  /** Full-jitter backoff between retries (kit defaults). */
  backoff?: BackoffOptions;
  /** Circuit breaker: failures before it opens, and how long it stays open (kit defaults 5 and 30 s). */
  breaker?: BreakerOptions;
  /** Enterprise Grid: the workspace whose DND to read. */
  teamId?: string;
  /** Events API replay window in seconds (default 300). */
  eventToleranceSec?: number;
}

/** A pino-compatible sink for the few things worth a warning; secrets never reach it. */
export interface SlackLogger {
  warn(context: Record<string, unknown>, message: string): void;
}

export interface SlackAdapterDeps {
  clock?: TimerClock;
  fetch?: typeof fetch;
  /** A registry shared with whatever else spends this workspace's Slack budget. */
  budgets?: RateBudgetRegistry;
  logger?: SlackLogger;
  random?: () => number;
}

/**
 * Slack presence for one workspace. Polling is a round-robin sweep: each `fetchPresence` reads the people read
 * least recently, as many as the Tier budgets allow within one poll interval, and reports only what it read, so
 * every record's `observedAt` is its real age. Events API pushes (status text, DND) arrive through
 * {@link SlackAdapter.handleEvent} and are merged with the last known presence.
 */
export class SlackAdapter implements PresenceAdapter {
  readonly platform = 'slack' as const;
  readonly capabilities: AdapterCapabilities;
  private readonly client: SlackWebClient;
  private readonly clock: TimerClock;
  private readonly budgets: RateBudgetRegistry;
  private readonly specs: SlackSweepBudgets;
  private readonly options: SlackSweepOptions;
  private readonly state = new Map<string, SlackUserState>();
  private readonly lastRead = new Map<string, number>();
  private tracked: Set<string> | undefined;
  private sink: PushSink | undefined;
  private closed = false;

  constructor(
    private readonly config: SlackAdapterConfig,
    private readonly deps: SlackAdapterDeps = {},
  ) {
    if (typeof config?.botToken !== 'string' || config.botToken.trim() === '') throw new InvalidInputError('slack: botToken is required');
    this.clock = deps.clock ?? { now: () => Date.now() };
    this.budgets = deps.budgets ?? new RateBudgetRegistry(deps.clock);
    // define() returns a bucket someone already declared (a shared or tightened registry): pace by that one.
    const define = (spec: RateBudgetSpec) => this.budgets.define(spec).spec;
    this.specs = { presence: define(SLACK_BUDGET_SPECS.presence), dnd: define(SLACK_BUDGET_SPECS.dnd), profile: define(SLACK_BUDGET_SPECS.profile) };
    const intervalMs = config.pollIntervalMs ?? SLACK_DEFAULT_INTERVAL_MS;
    if (!(intervalMs > 0)) throw new InvalidInputError('slack: pollIntervalMs must be positive');
    this.options = { intervalMs, readDnd: config.readDnd ?? true, readProfiles: config.readProfiles ?? true };
    const declared = [this.specs.presence, this.specs.dnd, this.specs.profile, define(SLACK_BUDGET_SPECS.auth)];
    this.capabilities = slackCapabilities(this.specs, this.options, config.signingSecret !== undefined, declared);
    this.client = new SlackWebClient({
      baseUrl: parseSlackBaseUrl(config.baseUrl ?? SLACK_DEFAULT_BASE_URL),
      botToken: config.botToken,
      ...httpClientTuning(config, deps),
      budgets: this.budgets,
      teamId: config.teamId,
    });
  }

  /** Checks the token with auth.test; AUTH_INVALID for a bad or revoked one. */
  async connect(): Promise<void> {
    this.assertOpen();
    await this.client.authTest();
  }

  /**
   * One sweep step over `accountIds`: the least recently read first, as many as the budgets allow now and within
   * one interval. Ids not read this time are left out of the result (their last record keeps its age); unknown
   * ids go to `notFound`. Throws only when nothing could be read, or the token or a scope is bad.
   */
  async fetchPresence(accountIds: readonly string[]): Promise<FetchResult> {
    this.assertOpen();
    const order = sweepOrder(accountIds, this.lastRead);
    const rooms = {
      presence: roomNow(this.budgets.get(SLACK_BUCKETS.presence)),
      dnd: roomNow(this.budgets.get(SLACK_BUCKETS.dnd)),
      profile: roomNow(this.budgets.get(SLACK_BUCKETS.profile)),
    };
    const slice = order.slice(0, stepAllowance(idsPerStep(this.specs, this.options), rooms, this.options));
    if (slice.length === 0) return { records: [], notFound: [] };
    const step = await readStep(this.client, slice, {
      ...this.options,
      concurrency: Math.max(1, this.config.concurrency ?? 4),
      deadline: this.clock.now() + this.options.intervalMs,
      now: () => this.clock.now(),
    });
    for (const id of step.notFound) {
      this.state.delete(id);
      this.lastRead.set(id, step.readAt.get(id) ?? this.clock.now());
    }
    for (const update of step.updates) this.apply(update);
    for (const [id, at] of step.readAt) this.lastRead.set(id, at);
    for (const warning of step.warnings) this.deps.logger?.warn({ platform: 'slack', code: warning.code }, warning.message);
    if (step.fatal) throw step.fatal;
    const now = this.clock.now();
    const records: PlatformPresence[] = [];
    for (const id of step.read) {
      const state = this.state.get(id);
      const record = state && buildSlackRecord(id, state, now, state.presenceAt ?? now);
      if (record) records.push(record);
    }
    if (step.failure) {
      if (records.length === 0 && step.notFound.length === 0) throw step.failure;
      // What was read is still worth reporting; the rest comes first in the next step.
      this.deps.logger?.warn({ platform: 'slack', code: step.failure.code }, `sweep step stopped early: ${step.failure.message}`);
    }
    return { records, notFound: step.notFound };
  }

  /** Keeps memory to the people the service tracks; events about anyone else are acknowledged and dropped. */
  setTrackedIds(accountIds: readonly string[]): void {
    this.tracked = new Set(accountIds);
    for (const id of [...this.state.keys()]) if (!this.tracked.has(id)) this.state.delete(id);
    for (const id of [...this.lastRead.keys()]) if (!this.tracked.has(id)) this.lastRead.delete(id);
  }

  /** Slack has no presence push for modern apps; the sink receives Events API updates passed to handleEvent. */
  async startPush(sink: PushSink): Promise<void> {
    this.assertOpen();
    this.sink = sink;
  }

  /**
   * Handles one Events API request for this workspace (the service's controller calls it with the raw body):
   * verifies it with the configured signing secret, answers `url_verification`, merges status and DND into the
   * last known state, delivers complete records to the push sink, and returns them too (for a caller without
   * a sink). A request that does not verify changes nothing.
   */
  handleEvent(request: SlackEventRequest): SlackEventResult {
    const secret = this.config.signingSecret;
    if (secret === undefined || this.closed) {
      const body = this.closed ? 'adapter closed' : 'no signing secret configured';
      return { status: 401, body, contentType: 'text/plain; charset=utf-8', records: [], updates: [] };
    }
    const lookup = (id: string) => (this.isKnown(id) ? (this.state.get(id) ?? {}) : undefined);
    const result = handleSlackEvent(request, { signingSecret: secret, toleranceSec: this.config.eventToleranceSec }, this.clock, lookup);
    const updates = result.updates.filter((update) => this.isKnown(update.accountId));
    for (const update of updates) this.apply(update);
    const records = result.records.filter((record) => this.isKnown(record.accountId));
    for (const record of records) this.sink?.presence(record);
    return { ...result, updates, records };
  }

  health(): AdapterHealth {
    return this.client.health();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sink = undefined;
    this.client.close();
  }

  private apply(update: SlackUserUpdate): void {
    this.state.set(update.accountId, mergeSlackState(this.state.get(update.accountId), update));
  }

  private isKnown(id: string): boolean {
    return this.tracked ? this.tracked.has(id) : this.state.has(id);
  }

  private assertOpen(): void {
    if (this.closed) throw new PresenceError('TRANSIENT', 'slack adapter is closed', { platform: 'slack' });
  }
}

/** Builds a Slack adapter from its configuration (credentials, base URL, options) and optional dependencies. */
export function createSlackAdapter(config: SlackAdapterConfig, deps: SlackAdapterDeps = {}): SlackAdapter {
  return new SlackAdapter(config, deps);
}

/** The core's AdapterFactory for `initializePlatform('slack', {bot_token, ...})`: seed-style record in, adapter out. */
export function slackAdapterFactory(deps: SlackAdapterDeps = {}, options: Omit<SlackAdapterConfig, keyof SlackCredentials> = {}): AdapterFactory {
  return (credentials) => createSlackAdapter({ ...options, ...parseSlackCredentials(credentials) }, deps);
}
