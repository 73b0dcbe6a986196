import { randomBytes } from 'node:crypto';
import type { Clock } from '@amo/presence-core';
import { EmulatorServer, type EmulatorReply, type EmulatorRequest } from '@amo/presence-adapter-kit/testing';
import { ZoomUserOAuth } from './zoom.emulator-oauth';
import { ZoomWebhookSender, type ZoomSignOptions, type ZoomWebhookAnswer } from './zoom.webhook-sender';

/** One Zoom user as the emulator knows them. */
export interface ZoomEmulatorUser {
  id: string;
  email?: string;
  status: string;
  /** Timed Do Not Disturb: when it ends (ISO 8601) and minutes left, as presence_status returns them. */
  endTime?: string;
  remainingTime?: number;
}

export interface ZoomEmulatorOptions {
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  webhookSecretToken?: string;
  /** Access token lifetime, default 3600 s (Zoom's). */
  tokenTtlSec?: number;
  /** The account's per-second limit on presence reads (the emulator's budget), default 10 per 1000 ms. */
  rateLimit?: { limit: number; windowMs: number };
  /** False issues tokens without the presence scope, so reads fail with Zoom's 4711. */
  grantPresenceScope?: boolean;
  users?: ZoomEmulatorUser[];
  /** Time for token expiry, request stamps and budgets (default Date.now). */
  clock?: Clock;
  /** User OAuth: the user who signs in on `/oauth/authorize` (default the first user, else `emu-user`). */
  signInAs?: string;
}

const PRESENCE_PATH = '/v2/users/:userId/presence_status';
const PRESENCE_SCOPE = 'user:read:presence_status:admin';
const BUCKET = 'zoom:presence';
const isPresenceRead = (req: EmulatorRequest): boolean => /^\/v2\/users\/[^/]+\/presence_status$/.test(req.path);

/**
 * A Zoom that runs on 127.0.0.1: Server-to-Server OAuth (`POST /oauth/token`, Basic auth), user OAuth
 * ({@link ZoomUserOAuth}: `/oauth/authorize`, code and refresh grants, `GET /v2/users/me`), `GET
 * /v2/users/{userId}/presence_status` with Zoom's errors and `X-RateLimit-*` headers, 429 storms, scripted status
 * changes, and a webhook sender that signs (or mis-signs) events and runs the URL validation handshake.
 */
export class ZoomEmulator {
  readonly accountId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly webhookSecretToken: string;
  readonly webhooks: ZoomWebhookSender;
  /** User OAuth (authorization code with PKCE, rotating refresh tokens), for apps a user or admin installs. */
  readonly userOAuth: ZoomUserOAuth;
  /** Where status changes are delivered as webhooks, once set. */
  webhookUrl: string | undefined;
  private readonly users = new Map<string, ZoomEmulatorUser>();
  private readonly tokens = new Map<string, { expiresAt: number; scope: string; userId?: string }>();
  private readonly script: Array<Pick<ZoomEmulatorUser, 'id' | 'status' | 'endTime' | 'remainingTime'>> = [];
  private readonly clock: Clock;
  private deactivated = false;

  private constructor(
    readonly server: EmulatorServer,
    private readonly options: ZoomEmulatorOptions,
  ) {
    this.accountId = options.accountId ?? 'emu-account';
    this.clientId = options.clientId ?? 'emu-client-id';
    this.clientSecret = options.clientSecret ?? 'emu-client-secret';
    this.webhookSecretToken = options.webhookSecretToken ?? 'emu-webhook-secret-token';
    this.clock = options.clock ?? { now: () => Date.now() };
    this.webhooks = new ZoomWebhookSender(this.webhookSecretToken, this.accountId, this.clock);
    for (const user of options.users ?? []) this.addUser(user);
    const signInAs = options.signInAs ?? options.users?.[0]?.id ?? 'emu-user';
    const register = (accessToken: string, grant: { userId: string; scope: string }, expiresAt: number): void => {
      this.tokens.set(accessToken, { expiresAt, scope: grant.scope, userId: grant.userId });
    };
    const scope = options.grantPresenceScope === false ? 'user:read:user:admin' : PRESENCE_SCOPE;
    this.userOAuth = new ZoomUserOAuth(this.clientId, this.clock, options.tokenTtlSec ?? 3600, register, signInAs, scope);
  }

  static async start(options: ZoomEmulatorOptions = {}): Promise<ZoomEmulator> {
    const server = await EmulatorServer.start({ clock: options.clock });
    const emulator = new ZoomEmulator(server, options);
    emulator.install();
    return emulator;
  }

  /** OAuth host: the token endpoint is `{oauthBaseUrl}/oauth/token`. */
  get oauthBaseUrl(): string {
    return this.server.url;
  }

  /** REST base, like `https://api.zoom.us/v2`. */
  get apiBaseUrl(): string {
    return `${this.server.url}/v2`;
  }

  /** A seed-style credential record for this account. */
  get credentials(): Record<string, string> {
    return {
      account_id: this.accountId,
      client_id: this.clientId,
      client_secret: this.clientSecret,
      webhook_secret_token: this.webhookSecretToken,
    };
  }

  get rateLimit(): { limit: number; windowMs: number } {
    return this.options.rateLimit ?? { limit: 10, windowMs: 1000 };
  }

  addUser(user: ZoomEmulatorUser): void {
    this.users.set(user.id, { ...user });
  }

  removeUser(id: string): void {
    this.users.delete(id);
  }

  user(idOrEmail: string): ZoomEmulatorUser | undefined {
    return this.users.get(idOrEmail) ?? [...this.users.values()].find((u) => u.email?.toLowerCase() === idOrEmail.toLowerCase());
  }

  /** Sets a status silently (no webhook); unknown ids become new users. */
  setStatus(id: string, status: string, timing: Pick<ZoomEmulatorUser, 'endTime' | 'remainingTime'> = {}): void {
    const user = this.user(id) ?? { id, status };
    this.users.set(user.id, { ...user, status, endTime: timing.endTime, remainingTime: timing.remainingTime });
  }

  /** Sets a status and, when `webhookUrl` is set, tells the receiver like Zoom would. */
  async changeStatus(
    id: string,
    status: string,
    timing: Pick<ZoomEmulatorUser, 'endTime' | 'remainingTime'> = {},
    sign: ZoomSignOptions = {},
  ): Promise<ZoomWebhookAnswer | undefined> {
    this.setStatus(id, status, timing);
    if (this.webhookUrl === undefined) return undefined;
    const user = this.user(id) as ZoomEmulatorUser;
    return this.webhooks.sendPresence(this.webhookUrl, { userId: user.id, email: user.email, status }, sign);
  }

  /** Queues status changes that `advance()` plays one at a time. */
  scriptChanges(changes: ReadonlyArray<Pick<ZoomEmulatorUser, 'id' | 'status' | 'endTime' | 'remainingTime'>>): void {
    this.script.push(...changes);
  }

  /** Plays the next scripted change; false when the script is done. */
  async advance(): Promise<boolean> {
    const change = this.script.shift();
    if (!change) return false;
    await this.changeStatus(change.id, change.status, change);
    return true;
  }

  /** Makes every issued token invalid (a rotated secret, a deactivated app): the next read gets 401 code 124. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /**
   * Every token issued so far expires now, as an hour passing would: the next read gets 401 code 124 "Access token
   * is expired." and a new token is issued as usual.
   */
  expireTokens(): void {
    const now = this.clock.now();
    for (const token of this.tokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }

  /**
   * The app is deactivated (or its secret regenerated): issued tokens stop working and the token endpoint answers
   * 401 `invalid_client` to the old credentials until {@link reactivateApp}.
   */
  deactivateApp(): void {
    this.deactivated = true;
    this.tokens.clear();
  }

  reactivateApp(): void {
    this.deactivated = false;
  }

  /** The next `n` presence reads get Zoom's 429 with `Retry-After: retryAfterSec`. */
  rateLimitStorm(n: number, retryAfterSec = 1): void {
    this.server.faults.rateLimitNext(n, retryAfterSec, isPresenceRead);
  }

  tokenRequests(): EmulatorRequest[] {
    return this.server.requestsTo('/oauth/token', 'POST');
  }

  presenceRequests(): EmulatorRequest[] {
    return this.server.requests.filter(isPresenceRead);
  }

  /** Keeps only the newest `limit` entries of every log this emulator holds (sandbox mode runs for days). */
  limitLogs(limit: number): void {
    this.server.requestLogLimit = limit;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private install(): void {
    const { limit, windowMs } = this.rateLimit;
    this.server.budget(BUCKET, limit, windowMs, isPresenceRead);
    this.server.onOverBudget((_req, info) => ({
      status: 429,
      headers: { 'retry-after': String(info.retryAfterSec), ...this.rateHeaders(0) },
      json: { code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' },
    }));
    this.server.route('GET', '/oauth/authorize', (req) => this.userOAuth.authorize(req));
    this.server.route('POST', '/oauth/token', (req) => this.token(req));
    this.server.route('GET', '/v2/users/me', (req) => this.me(req));
    this.server.route('GET', PRESENCE_PATH, (req) => this.presence(req));
  }

  private token(req: EmulatorRequest): EmulatorReply {
    const form = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const param = (name: string): unknown => req.query[name] ?? form[name];
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    const [id, secret] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : [];
    if (id !== this.clientId || secret !== this.clientSecret || this.deactivated) {
      return { status: 401, json: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' } };
    }
    if (param('grant_type') === 'authorization_code' || param('grant_type') === 'refresh_token') return this.userOAuth.token(param);
    if (param('grant_type') !== 'account_credentials') {
      return { status: 400, json: { reason: 'Unsupported grant type', error: 'unsupported_grant_type' } };
    }
    if (param('account_id') !== this.accountId) {
      return { status: 400, json: { reason: 'Invalid account_id', error: 'invalid_request' } };
    }
    const ttl = this.options.tokenTtlSec ?? 3600;
    const accessToken = `emu_${randomBytes(12).toString('hex')}`;
    const scope = this.options.grantPresenceScope === false ? 'user:read:user:admin' : PRESENCE_SCOPE;
    this.tokens.set(accessToken, { expiresAt: this.clock.now() + ttl * 1000, scope });
    return {
      json: { access_token: accessToken, token_type: 'bearer', expires_in: ttl, scope, api_url: this.server.url },
    };
  }

  /** The bearer's grant, or Zoom's 401 code 124. */
  private bearer(req: EmulatorRequest): { expiresAt: number; scope: string; userId?: string } | EmulatorReply {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer === undefined ? undefined : this.tokens.get(bearer);
    if (!token) return { status: 401, json: { code: 124, message: 'Invalid access token.' } };
    if (token.expiresAt <= this.clock.now()) return { status: 401, json: { code: 124, message: 'Access token is expired.' } };
    return token;
  }

  /** `GET /v2/users/me`: the user a user-OAuth token belongs to (an account token has no user here). */
  private me(req: EmulatorRequest): EmulatorReply {
    const token = this.bearer(req);
    if (!('expiresAt' in token)) return token;
    const user = token.userId === undefined ? undefined : this.user(token.userId);
    if (!user) return { status: 404, json: { code: 1001, message: 'User does not exist: me.' } };
    return { json: { id: user.id, email: user.email ?? `${user.id}@example.com`, account_id: this.accountId, type: 1, status: 'active' } };
  }

  private presence(req: EmulatorRequest): EmulatorReply {
    const token = this.bearer(req);
    if (!('expiresAt' in token)) return token;
    if (!token.scope.split(' ').includes(PRESENCE_SCOPE)) {
      return {
        status: 400,
        json: { code: 4711, message: `Invalid access token, does not contain scopes:[${PRESENCE_SCOPE}].` },
      };
    }
    const headers = this.rateHeaders(this.remaining());
    const user = this.user(req.params.userId);
    if (!user) return { status: 404, headers, json: { code: 1001, message: `User does not exist: ${req.params.userId}.` } };
    const timed = user.endTime !== undefined || user.remainingTime !== undefined;
    return {
      headers,
      json: timed
        ? { status: user.status, end_time: user.endTime ?? '', remaining_time: user.remainingTime ?? 0 }
        : { status: user.status },
    };
  }

  /** What is left of the window, counted from the reads the budget admitted (this one included). */
  private remaining(): number {
    const { limit, windowMs } = this.rateLimit;
    const since = this.clock.now() - windowMs;
    // From the newest back to the window's start only: the log grows with every read, the window does not.
    const log = this.server.requests;
    let admitted = 0;
    for (let i = log.length - 1; i >= 0 && log[i].at > since; i--) {
      if (log[i].outcome === 'route' && isPresenceRead(log[i])) admitted++;
    }
    return Math.max(0, limit - admitted);
  }

  private rateHeaders(remaining: number): Record<string, string> {
    return {
      'x-ratelimit-category': 'Medium',
      'x-ratelimit-type': 'QPS',
      'x-ratelimit-limit': String(this.rateLimit.limit),
      'x-ratelimit-remaining': String(remaining),
    };
  }
}
