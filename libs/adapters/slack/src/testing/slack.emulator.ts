import { randomBytes } from 'node:crypto';
import type { Clock, SlackDndWindow } from '@amo/presence-core';
import { EmulatorServer, type EmulatorReply, type EmulatorRequest } from '@amo/presence-adapter-kit/testing';
import type { SlackStatusFields } from '../slack.state';
import {
  deliverSigned,
  dndEvent,
  eventEnvelope,
  type SlackDeliveryOptions,
  type SlackDeliveryResult,
  type SlackEmulatorPresence,
  type SlackEmulatorUser,
  userEvent,
} from './slack.emulator-events';
import { SlackApiError, slackError, type SlackEmulatorMethod, type SlackMethodHandler, slackMethodHandlers } from './slack.emulator-methods';
import { SlackOAuthApp } from './slack.emulator-oauth';

export type { SlackEmulatorMethod } from './slack.emulator-methods';

/** Calls per minute per method: Tier 3, Tier 2, Tier 4, and auth.test's "special" tier. */
export const SLACK_EMULATOR_LIMITS: Readonly<Record<SlackEmulatorMethod, number>> = {
  'users.getPresence': 50,
  'dnd.teamInfo': 20,
  'users.profile.get': 100,
  'auth.test': 100,
};

const SCOPES: Readonly<Record<SlackEmulatorMethod, string | undefined>> = {
  'auth.test': undefined,
  'users.getPresence': 'users:read',
  'dnd.teamInfo': 'dnd:read',
  'users.profile.get': 'users.profile:read',
};

export interface SlackEmulatorOptions {
  botToken?: string;
  signingSecret?: string;
  teamId?: string;
  /** Calls per minute per method (defaults: {@link SLACK_EMULATOR_LIMITS}). */
  limits?: Partial<Record<SlackEmulatorMethod, number>>;
  /** Scopes granted to the bot token; a method whose scope is missing answers `missing_scope`. */
  scopes?: readonly string[];
  /** Time for rate windows, DND and event timestamps; defaults to Date.now (fake timers apply). */
  clock?: Clock;
  /** Keep HTTP connections alive (faster long sweeps); off by default so no pooled socket outlives a test. */
  keepAlive?: boolean;
  /** The app's OAuth client (installation flow); random by default. */
  clientId?: string;
  clientSecret?: string;
}

/**
 * A Slack Web API and Events API emulator on 127.0.0.1: `auth.test`, `users.getPresence`, `dnd.teamInfo` and
 * `users.profile.get` at `{baseUrl}/{method}` (GET query or POST form), Bearer bot-token auth, logical errors as
 * HTTP 200 `ok:false`, per-method tier limits answered with 429 + Retry-After (and counted), scripted presence,
 * DND and status changes, and signed event delivery to an app's Request URL.
 */
export class SlackEmulator {
  readonly botToken: string;
  readonly signingSecret: string;
  readonly teamId: string;
  readonly appId = 'A0EMULATOR';
  readonly botUserId = 'UBOT000001';
  /** The app's installation flow (`/oauth/v2/authorize`, `oauth.v2.access`), which hands out {@link botToken}. */
  readonly oauth: SlackOAuthApp;
  private readonly users = new Map<string, SlackEmulatorUser>();
  private scopes: Set<string>;
  private tokenError: string | undefined;
  private eventsUrl: string | undefined;
  private eventSeq = 0;
  private readonly clock: Clock;

  private constructor(
    readonly server: EmulatorServer,
    options: SlackEmulatorOptions,
  ) {
    this.botToken = options.botToken ?? `xoxb-emulator-${randomBytes(8).toString('hex')}`;
    this.signingSecret = options.signingSecret ?? randomBytes(16).toString('hex');
    this.teamId = options.teamId ?? 'T0EMULATOR';
    this.scopes = new Set(options.scopes ?? ['users:read', 'dnd:read', 'users.profile:read']);
    this.clock = options.clock ?? { now: () => Date.now() };
    const { botToken, teamId, appId, botUserId } = this;
    this.oauth = new SlackOAuthApp({ clientId: options.clientId, clientSecret: options.clientSecret, botToken, teamId, appId, botUserId, scopes: () => [...this.scopes] });
  }

  static async start(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
    const server = await EmulatorServer.start({ clock: options.clock, keepAlive: options.keepAlive });
    const emulator = new SlackEmulator(server, options);
    emulator.install({ ...SLACK_EMULATOR_LIMITS, ...options.limits });
    return emulator;
  }

  /** The Web API root to give the adapter: `http://127.0.0.1:PORT/api`. */
  get baseUrl(): string {
    return `${this.server.url}/api`;
  }

  // ---- people -------------------------------------------------------------------------------------------

  addUser(id: string, init: Partial<Omit<SlackEmulatorUser, 'id'>> = {}): SlackEmulatorUser {
    const user: SlackEmulatorUser = { id, name: init.name ?? id.toLowerCase(), presence: init.presence ?? 'active', dnd: init.dnd ?? { dnd_enabled: false }, status: init.status ?? {} };
    this.users.set(id, user);
    return user;
  }

  /** Adds `count` users `U00000001`... and returns their ids. */
  addUsers(count: number, presence: SlackEmulatorPresence = 'active'): string[] {
    const start = this.users.size + 1;
    return Array.from({ length: count }, (_, i) => this.addUser(`U${String(start + i).padStart(8, '0')}`, { presence }).id);
  }

  removeUser(id: string): void {
    this.users.delete(id);
  }

  user(id: string): SlackEmulatorUser | undefined {
    return this.users.get(id);
  }

  setPresence(id: string, presence: SlackEmulatorPresence): void {
    this.mustGet(id).presence = presence;
  }

  /** Sets a DND window; delivers `dnd_updated_user` when an events URL is subscribed. */
  async setDnd(id: string, dnd: SlackDndWindow): Promise<SlackDeliveryResult | undefined> {
    const user = this.mustGet(id);
    user.dnd = { ...dnd };
    return this.eventsUrl ? this.deliverEvent(dndEvent(user)) : undefined;
  }

  /** Sets the custom status; delivers `user_status_changed` (Slack sends `user_change` too) when subscribed. */
  async setStatus(id: string, status: SlackStatusFields): Promise<SlackDeliveryResult | undefined> {
    const user = this.mustGet(id);
    user.status = { ...status };
    if (!this.eventsUrl) return undefined;
    const now = this.clock.now();
    await this.deliverEvent(userEvent('user_change', this.teamId, user, now));
    return this.deliverEvent(userEvent('user_status_changed', this.teamId, user, now));
  }

  // ---- auth and errors ----------------------------------------------------------------------------------

  /** Every later call answers `token_revoked` (or another auth error string). */
  revokeToken(error = 'token_revoked'): void {
    this.tokenError = error;
  }

  restoreToken(): void {
    this.tokenError = undefined;
  }

  setScopes(scopes: readonly string[]): void {
    this.scopes = new Set(scopes);
  }

  /** The next `n` calls of `method` answer HTTP 200 `{ok:false, error}`. */
  failNext(method: SlackEmulatorMethod, error: string, n = 1): void {
    this.server.faults.failNext(n, { status: 200, json: { ok: false, error } }, `/api/${method}`);
  }

  /** Calls refused with 429 because they were over the method's tier limit. */
  overBudgetCount(method?: SlackEmulatorMethod): number {
    return this.server.overBudgetCount(method);
  }

  /** Requests received for one method. */
  calls(method: SlackEmulatorMethod): EmulatorRequest[] {
    return this.server.requestsTo(`/api/${method}`);
  }

  // ---- Events API ---------------------------------------------------------------------------------------

  /** Runs Slack's `url_verification` handshake against `url` and, when the app echoes the challenge, subscribes it. */
  async verifyUrl(url: string, options: SlackDeliveryOptions = {}): Promise<{ verified: boolean } & SlackDeliveryResult> {
    const challenge = randomBytes(24).toString('base64url');
    const payload = { token: 'emulator-verification-token', challenge, type: 'url_verification' };
    const result = await this.post(url, payload, options);
    let echoed = result.body;
    try {
      const parsed = JSON.parse(result.body) as { challenge?: unknown };
      if (typeof parsed?.challenge === 'string') echoed = parsed.challenge;
    } catch {
      // a plain-text answer is the challenge itself
    }
    const verified = result.status === 200 && echoed === challenge;
    if (verified) this.eventsUrl = url;
    return { verified, ...result };
  }

  /** Subscribes an events URL without the handshake. */
  subscribe(url: string | undefined): void {
    this.eventsUrl = url;
  }

  /** Delivers one inner event (wrapped in the `event_callback` envelope) to the subscribed URL. */
  async deliverEvent(event: Record<string, unknown>, options: SlackDeliveryOptions = {}): Promise<SlackDeliveryResult> {
    if (!this.eventsUrl) throw new Error('no events URL subscribed');
    this.eventSeq += 1;
    return this.post(this.eventsUrl, eventEnvelope(this.teamId, this.appId, event, this.clock.now(), this.eventSeq), options);
  }

  /** Keeps only the newest `limit` entries of every log this emulator holds (sandbox mode runs for days). */
  limitLogs(limit: number): void {
    this.server.requestLogLimit = limit;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private post(url: string, payload: unknown, options: SlackDeliveryOptions): Promise<SlackDeliveryResult> {
    const timestamp = options.timestamp ?? Math.floor(this.clock.now() / 1000);
    return deliverSigned(url, payload, options.signingSecret ?? this.signingSecret, timestamp, options.signature);
  }

  private mustGet(id: string): SlackEmulatorUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`emulator has no user ${id}`);
    return user;
  }

  private install(limits: Record<SlackEmulatorMethod, number>): void {
    this.server.onOverBudget((_req, info) => ({
      status: 429,
      headers: { 'retry-after': String(info.retryAfterSec) },
      json: { ok: false, error: 'ratelimited' },
    }));
    const handlers = slackMethodHandlers({ users: this.users, teamId: this.teamId, botUserId: this.botUserId, clock: this.clock });
    for (const method of Object.keys(handlers) as SlackEmulatorMethod[]) {
      const path = `/api/${method}`;
      this.server.budget(method, limits[method], 60_000, path);
      this.server.route('*', path, (req) => this.answer(req, method, handlers[method]));
    }
    this.oauth.mount(this.server);
    this.server.route('*', '/api/:method', () => ({ status: 200, json: { ok: false, error: 'unknown_method' } }));
  }

  private answer(req: EmulatorRequest, method: SlackEmulatorMethod, handler: SlackMethodHandler): EmulatorReply {
    if (req.method !== 'GET' && req.method !== 'POST') return { status: 405, body: '' };
    const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    const args: Record<string, string> = { ...req.query };
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') args[key] = value;
    const authError = this.checkToken(req.headers.authorization, args.token);
    if (authError) return slackError(authError);
    const scope = SCOPES[method];
    if (scope && !this.scopes.has(scope)) return { status: 200, json: { ok: false, error: 'missing_scope', needed: scope, provided: [...this.scopes].join(',') } };
    try {
      return { status: 200, json: { ok: true, ...handler(args) } };
    } catch (error) {
      if (error instanceof SlackApiError) return slackError(error.error);
      throw error;
    }
  }

  private checkToken(authorization: string | undefined, argToken: string | undefined): string | undefined {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : argToken;
    if (!token) return 'not_authed';
    if (token !== this.botToken) return 'invalid_auth';
    return this.tokenError;
  }
}
