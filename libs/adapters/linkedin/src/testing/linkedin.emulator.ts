import { randomBytes } from 'node:crypto';
import { AuthorizationCodes, EmulatorServer, type EmulatorReply, type EmulatorRequest } from '@amo/presence-adapter-kit/testing';
import type { Clock } from '@amo/presence-core';
import { LinkedInWebhookSender } from './linkedin.webhook-sender';

export interface LinkedInMember {
  /** The member id: `urn:li:person:{sub}`. */
  sub: string;
  name: string;
  email?: string;
}

export interface LinkedInEmulatorOptions {
  clientId?: string;
  clientSecret?: string;
  members?: LinkedInMember[];
  /** Only approved partners get refresh tokens; off by default, like LinkedIn. */
  grantRefreshTokens?: boolean;
  /** Default 60 days. */
  accessTokenTtlSec?: number;
  /** Default 365 days; its TTL does not reset when used. */
  refreshTokenTtlSec?: number;
  clock?: Clock;
}

interface Grant {
  sub: string;
  scope: string;
  expiresAt: number;
  revoked?: boolean;
}

/** Who a code signs in, with the scopes asked for. */
interface CodeGrant {
  sub: string;
  scope: string;
}

const token = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

/**
 * LinkedIn's OAuth 2.0 three-legged flow (`/oauth/v2/authorization`, `/oauth/v2/accessToken`), OpenID userinfo
 * (`/v2/userinfo`) with LinkedIn's error bodies, and a webhook sender with challenge validation. There is no
 * presence endpoint because LinkedIn has none.
 */
export class LinkedInEmulator {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly members: LinkedInMember[];
  readonly webhooks: LinkedInWebhookSender;
  private readonly accessTokens = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly codes: AuthorizationCodes<CodeGrant>;
  private signInAs: string;

  private constructor(readonly server: EmulatorServer, private readonly options: LinkedInEmulatorOptions, private readonly clock: Clock) {
    this.clientId = options.clientId ?? '86emulatedclientid';
    this.clientSecret = options.clientSecret ?? 'emulated-client-secret';
    // Codes live 30 minutes; the web flow takes no PKCE challenge.
    this.codes = new AuthorizationCodes(() => clock.now(), {
      decline: { error: 'user_cancelled_authorize', description: 'The user has cancelled the authorization' },
      lifetimeMs: 30 * 60_000,
      pkce: false,
    });
    this.members = options.members ?? [{ sub: 'yrZCpj2ZYQ', name: 'Ada Lovelace', email: 'ada@example.com' }];
    this.signInAs = this.members[0]?.sub ?? 'yrZCpj2ZYQ';
    this.webhooks = new LinkedInWebhookSender({ clientSecret: this.clientSecret, clock });
  }

  static async start(options: LinkedInEmulatorOptions = {}): Promise<LinkedInEmulator> {
    const clock = options.clock ?? { now: () => Date.now() };
    const emulator = new LinkedInEmulator(await EmulatorServer.start({ clock }), options, clock);
    emulator.install();
    return emulator;
  }

  /** Point the adapter's `oauthBaseUrl` here. */
  get oauthBaseUrl(): string {
    return `${this.server.url}/oauth/v2`;
  }

  /** Point the adapter's `apiBaseUrl` here. */
  get apiBaseUrl(): string {
    return this.server.url;
  }

  /** Which member "signs in" on the authorization page. */
  signIn(sub: string): void {
    this.signInAs = sub;
  }

  /** The next authorization is cancelled by the member (`error=user_cancelled_authorize`). */
  denyNext(): void {
    this.codes.denyNext();
  }

  /** A token as if the member had completed the flow (for tests that start from a stored token). */
  issueToken(sub = this.signInAs, scope = 'openid profile email'): { accessToken: string; refreshToken?: string; expiresAt: number } {
    const issued = this.issue(sub, scope);
    return { accessToken: issued['access_token'] as string, refreshToken: issued['refresh_token'] as string | undefined, expiresAt: this.clock.now() + (issued['expires_in'] as number) * 1000 };
  }

  /** The member revoked the app: the token answers 401 (serviceErrorCode 65601) from now on. */
  revoke(accessToken: string): void {
    const grant = this.accessTokens.get(accessToken);
    if (grant) grant.revoked = true;
  }

  /** Keeps only the newest `limit` entries of every log this emulator holds (sandbox mode runs for days). */
  limitLogs(limit: number): void {
    this.server.requestLogLimit = limit;
    this.webhooks.deliveryLogLimit = limit;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private install(): void {
    this.server.onOverBudget((_req, info) => ({
      status: 429,
      headers: { 'retry-after': String(info.retryAfterSec) },
      json: { serviceErrorCode: 101, code: 'TOO_MANY_REQUESTS', message: 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.', status: 429 },
    }));
    this.server.route('GET', '/oauth/v2/authorization', (req) => this.authorize(req));
    this.server.route('POST', '/oauth/v2/accessToken', (req) => this.accessToken(req));
    this.server.route('GET', '/v2/userinfo', (req) => this.userinfo(req));
  }

  private authorize(req: EmulatorRequest): EmulatorReply {
    const { client_id: clientId, redirect_uri: redirectUri, scope, response_type: responseType } = req.query;
    if (clientId !== this.clientId) return { status: 400, json: { error: 'invalid_client_id', error_description: 'The passed in client_id is invalid' } };
    if (!redirectUri) return { status: 400, json: { error: 'invalid_redirect_uri', error_description: 'Unable to retrieve redirect_uri' } };
    if (responseType !== 'code') return this.codes.redirect(req, redirectUri, { error: 'unsupported_response_type' });
    return this.codes.redirect(req, redirectUri, { code: () => ({ code: token('AQ'), grant: { sub: this.signInAs, scope: scope ?? '' } }) });
  }

  private accessToken(req: EmulatorRequest): EmulatorReply {
    const form = (req.body ?? {}) as Record<string, string>;
    if (form['client_id'] !== this.clientId || form['client_secret'] !== this.clientSecret) {
      return { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    if (form['grant_type'] === 'authorization_code') {
      const redeemed = this.codes.redeem(form['code'], form['redirect_uri'], undefined);
      if ('refused' in redeemed) {
        return {
          status: 400,
          json: {
            error: 'invalid_request',
            error_description:
              'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists',
          },
        };
      }
      const pending = redeemed.grant;
      return { status: 200, json: this.issue(pending.sub, pending.scope) };
    }
    if (form['grant_type'] === 'refresh_token') {
      const refreshToken = form['refresh_token'] ?? '';
      const grant = this.refreshTokens.get(refreshToken);
      if (!grant || grant.revoked || grant.expiresAt <= this.clock.now()) {
        return { status: 400, json: { error: 'invalid_grant', error_description: 'The provided refresh token is invalid, expired or revoked' } };
      }
      const accessToken = token('AQV');
      const ttl = this.options.accessTokenTtlSec ?? 60 * 24 * 3600;
      this.accessTokens.set(accessToken, { sub: grant.sub, scope: grant.scope, expiresAt: this.clock.now() + ttl * 1000 });
      // The refresh token keeps its original expiry: LinkedIn does not reset its TTL on use.
      const refreshLeft = Math.floor((grant.expiresAt - this.clock.now()) / 1000);
      return { status: 200, json: { access_token: accessToken, expires_in: ttl, refresh_token: refreshToken, refresh_token_expires_in: refreshLeft, scope: grant.scope } };
    }
    return { status: 400, json: { error: 'unsupported_grant_type', error_description: 'Grant type is not supported' } };
  }

  private issue(sub: string, scope: string): Record<string, unknown> {
    const now = this.clock.now();
    const ttl = this.options.accessTokenTtlSec ?? 60 * 24 * 3600;
    const accessToken = token('AQV');
    this.accessTokens.set(accessToken, { sub, scope, expiresAt: now + ttl * 1000 });
    const body: Record<string, unknown> = { access_token: accessToken, expires_in: ttl, scope };
    if (this.options.grantRefreshTokens) {
      const refreshTtl = this.options.refreshTokenTtlSec ?? 365 * 24 * 3600;
      const refreshToken = token('AQX');
      this.refreshTokens.set(refreshToken, { sub, scope, expiresAt: now + refreshTtl * 1000 });
      body['refresh_token'] = refreshToken;
      body['refresh_token_expires_in'] = refreshTtl;
    }
    return body;
  }

  private userinfo(req: EmulatorRequest): EmulatorReply {
    const header = req.headers['authorization'];
    const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    const grant = bearer === undefined ? undefined : this.accessTokens.get(bearer);
    const unauthorized = (serviceErrorCode: number, code: string, message: string): EmulatorReply => ({
      status: 401,
      json: { status: 401, serviceErrorCode, code, message },
    });
    if (!grant) return unauthorized(65600, 'INVALID_ACCESS_TOKEN', 'Invalid access token');
    if (grant.revoked) return unauthorized(65601, 'REVOKED_ACCESS_TOKEN', 'The token used in the request has been revoked by the user');
    if (grant.expiresAt <= this.clock.now()) return unauthorized(65602, 'EXPIRED_ACCESS_TOKEN', 'The token used in the request has expired');
    const member = this.members.find((candidate) => candidate.sub === grant.sub);
    if (!member) return unauthorized(65600, 'INVALID_ACCESS_TOKEN', 'Invalid access token');
    const [given, ...family] = member.name.split(' ');
    return {
      status: 200,
      json: {
        sub: member.sub,
        email_verified: member.email !== undefined,
        name: member.name,
        locale: { country: 'US', language: 'en' },
        given_name: given,
        family_name: family.join(' '),
        ...(member.email !== undefined && grant.scope.includes('email') ? { email: member.email } : {}),
      },
    };
  }
}
