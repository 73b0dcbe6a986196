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
import { roomNow } from './slack.budgets';
import { SlackWebClient } from './slack.client';
import { parseSlackCredentials, parseSlackBaseUrl, type SlackCredentials } from './slack.credentials';
import { handleSlackEvent, type SlackEventRequest, type SlackEventResult } from './slack.events';
import { SLACK_BUDGET_SPECS, SLACK_DEFAULT_BASE_URL, SLACK_DEFAULT_INTERVAL_MS } from './slack.manifest';
import { buildSlackRecord, mergeSlackState, partsBehindPresence, type SlackUserState, type SlackUserUpdate } from './slack.state';
import { type SlackMethodKey, slackCapabilities, type SlackSweepBudgets, SlackSweepPacer, type SlackSweepOptions, sweepOrder } from './slack.sweep';
import { type SlackPhaseOptions, type SlackPhaseResult, readDndPhase, readPresencePhase, readProfilePhase } from './slack.step';

/** Configuration of one Slack workspace connection. Never read from the environment: the app passes it in. */
export interface SlackAdapterConfig extends SlackCredentials {
  /**
   * The interval the monitor polls at (default 30 s). Only the first steps use it: after that the planner sizes
   * each step by the time it really sees between steps, so a runtime interval change needs no reconfiguration.
   */
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
  /**
   * The longest Retry-After one request waits before its retry (default 5 s). A longer one pauses the method's
   * budget and the sweep skips that method until it ends, so a 429 never holds the other methods' reads.
   */
  maxRetryWaitMs?: number;
  /** Full-jitter backoff between retries (kit defaults). */
  backoff?: BackoffOptions;
  /** Circuit breaker: failures before it opens, and how long it stays open (kit defaults 5 and 30 s). */
  breaker?: BreakerOptions;
  /** Enterprise Grid: the workspace whose DND to read. */
  teamId?: string;
  /** Events API replay window in seconds (default 300). */
  eventToleranceSec?: number;
}

/** A sink for the few things worth a warning (`warn(context, message)`, as pino has); secrets never reach it. */
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

/** A short Retry-After is waited inside the request (the kit's retry); a longer one makes the sweep skip the method. */
const SLACK_MAX_RETRY_WAIT_MS = 5_000;

/**
 * Slack presence for one workspace. Polling is a round-robin sweep planned per method: each `fetchPresence`
 * reads presence for the people read least recently, as many as users.getPresence earns over one poll interval,
 * then, side by side, DND (dnd.teamInfo, 50 people a call) and custom status (users.profile.get) for the people
 * whose DND or status is older than their presence, each within its own tier. A method with no budget right now
 * is skipped for this step and never delays another; no request ever waits for a budget. Only what was read is
 * reported, so every record's `observedAt` is its real age. Events API pushes (status text, DND) arrive through
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
  private readonly pacer: SlackSweepPacer;
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
    this.pacer = new SlackSweepPacer(this.specs, intervalMs);
    const declared = [this.specs.presence, this.specs.dnd, this.specs.profile, define(SLACK_BUDGET_SPECS.auth)];
    this.capabilities = slackCapabilities(this.specs, this.options, config.signingSecret !== undefined, declared);
    this.client = new SlackWebClient({
      baseUrl: parseSlackBaseUrl(config.baseUrl ?? SLACK_DEFAULT_BASE_URL),
      botToken: config.botToken,
      ...httpClientTuning({ ...config, maxRetryWaitMs: config.maxRetryWaitMs ?? SLACK_MAX_RETRY_WAIT_MS }, deps),
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
   * One sweep step over `accountIds` (see the class comment). Ids not read this time are left out of the result
   * (their last record keeps its age); unknown ids go to `notFound`. Throws only when nothing could be read for a
   * reason other than budget, or the token or a scope is bad.
   */
  async fetchPresence(accountIds: readonly string[]): Promise<FetchResult> {
    this.assertOpen();
    const start = this.clock.now();
    const intervalMs = this.pacer.beginStep(start);
    const order = sweepOrder(accountIds, this.lastRead);
    const phase = (method: SlackMethodKey): SlackPhaseOptions => ({
      calls: this.pacer.allowance(method),
      room: () => roomNow(this.budgets.get(this.specs[method].bucket)),
      concurrency: Math.max(1, this.config.concurrency ?? 4),
      deadline: start + intervalMs,
      now: () => this.clock.now(),
    });
    const presence = await readPresencePhase(this.client, order, phase('presence'));
    this.pacer.spent('presence', presence.calls);
    for (const id of presence.notFound) {
      this.state.delete(id);
      this.lastRead.set(id, presence.readAt.get(id) ?? this.clock.now());
    }
    this.settle(presence);
    for (const [id, at] of presence.readAt) this.lastRead.set(id, at);
    if (presence.fatal) throw presence.fatal;
    await this.readDetails(order, phase);
    const now = this.clock.now();
    const records: PlatformPresence[] = [];
    for (const id of presence.read) {
      const state = this.state.get(id);
      const record = state && buildSlackRecord(id, state, now, state.presenceAt ?? now);
      if (record) records.push(record);
    }
    if (presence.failure) {
      if (records.length === 0 && presence.notFound.length === 0) throw presence.failure;
      // What was read is still worth reporting; the rest comes first in the next step.
      this.deps.logger?.warn({ platform: 'slack', code: presence.failure.code }, `sweep step stopped early: ${presence.failure.message}`);
    }
    return { records, notFound: presence.notFound };
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
   * Stops delivering Events API updates to the sink. Slack keeps posting to the Request URL (the app's event
   * subscription is configured in Slack, not by us), and {@link handleEvent} keeps acknowledging and merging them
   * so the next poll's records stay complete; they just reach no sink until a later `startPush`.
   */
  async stopPush(): Promise<void> {
    this.sink = undefined;
  }

  /**
   * Handles one Events API request for this workspace (the service's controller calls it with the raw body):
   * verifies it with the configured signing secret, answers `url_verification`, merges status and DND into the
   * last known state, delivers complete records to the push sink (while push is started), and returns them too
   * (for a caller without a sink). A request that does not verify changes nothing.
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

  /** The adapter port's webhook entry (`/v1/webhooks/slack`): {@link handleEvent}. */
  handleWebhook(request: SlackEventRequest): SlackEventResult {
    return this.handleEvent(request);
  }

  health(): AdapterHealth {
    return this.client.health();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sink = undefined;
    this.client.close();
  }

  /** DND and status, side by side, for the people whose DND or status is older than their presence. */
  private async readDetails(order: readonly string[], phase: (method: SlackMethodKey) => SlackPhaseOptions): Promise<void> {
    const none = Promise.resolve(undefined);
    const [dnd, profile] = await Promise.all([
      this.options.readDnd ? readDndPhase(this.client, partsBehindPresence(order, this.state, 'dnd'), phase('dnd')) : none,
      this.options.readProfiles ? readProfilePhase(this.client, partsBehindPresence(order, this.state, 'status'), phase('profile')) : none,
    ]);
    if (dnd) this.pacer.spent('dnd', dnd.calls);
    if (profile) this.pacer.spent('profile', profile.calls);
    for (const result of [dnd, profile]) if (result) this.settle(result);
    const fatal = dnd?.fatal ?? profile?.fatal;
    if (fatal) throw fatal;
  }

  private settle(result: SlackPhaseResult): void {
    for (const update of result.updates) this.apply(update);
    for (const warning of result.warnings) this.deps.logger?.warn({ platform: 'slack', code: warning.code }, warning.message);
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
