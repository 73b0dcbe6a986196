import { randomBytes } from 'node:crypto';
import type { Clock } from '@amo/presence-core';
import { AuthorizationCodes, type EmulatorReply, type EmulatorRequest } from '@amo/presence-adapter-kit/testing';

/** What a user grant stands for: the user who signed in and the scopes they granted the app. */
export interface ZoomUserGrantInfo {
  userId: string;
  scope: string;
}

const token = (prefix: string): string => `${prefix}_${randomBytes(18).toString('base64url')}`;

/**
 * Zoom's user OAuth (an OAuth app installed by a user or an admin): `GET /oauth/authorize` redirects back with
 * `code` and `state` (or `error=access_denied`), and `POST /oauth/token` redeems `authorization_code` (PKCE
 * checked when a challenge was sent) and `refresh_token` grants. Zoom rotates refresh tokens: each one works once.
 */
export class ZoomUserOAuth {
  /** Who "signs in" on the authorization page. */
  signInAs: string;
  private readonly codes: AuthorizationCodes<ZoomUserGrantInfo>;
  private readonly refreshTokens = new Map<string, ZoomUserGrantInfo>();

  constructor(
    private readonly clientId: string,
    private readonly clock: Clock,
    private readonly ttlSec: number,
    /** Registers an access token with the emulator's API (so presence reads accept it). */
    private readonly register: (accessToken: string, grant: ZoomUserGrantInfo, expiresAt: number) => void,
    signInAs: string,
    private readonly scope: string,
  ) {
    this.signInAs = signInAs;
    this.codes = new AuthorizationCodes(() => clock.now(), { decline: { error: 'access_denied', description: 'The user denied the authorization' } });
  }

  /** The next authorization is declined by the user (`error=access_denied`). */
  denyNext(): void {
    this.codes.denyNext();
  }

  /** A token set as the authorization-code grant would give it, without the browser round trip. */
  issue(userId = this.signInAs): { accessToken: string; refreshToken: string; expiresAt: number } {
    const body = this.grant({ userId, scope: this.scope });
    return { accessToken: body.access_token as string, refreshToken: body.refresh_token as string, expiresAt: this.clock.now() + this.ttlSec * 1000 };
  }

  authorize(req: EmulatorRequest): EmulatorReply {
    const { client_id: clientId, redirect_uri: redirectUri, response_type: responseType } = req.query;
    if (clientId !== this.clientId) return { status: 400, json: { reason: 'Invalid client_id', error: 'invalid_client' } };
    if (!redirectUri) return { status: 400, json: { reason: 'Invalid redirect uri', error: 'invalid_request' } };
    if (responseType !== 'code') return this.codes.redirect(req, redirectUri, { error: 'unsupported_response_type' });
    if (req.query.code_challenge !== undefined && req.query.code_challenge_method !== 'S256') {
      return { status: 400, json: { reason: 'Unsupported code_challenge_method', error: 'invalid_request' } };
    }
    return this.codes.redirect(req, redirectUri, { code: () => ({ code: token('zcode'), grant: { userId: this.signInAs, scope: this.scope } }) });
  }

  /** The two user grants; the caller has checked the Basic client credentials already. */
  token(param: (name: string) => unknown): EmulatorReply {
    const grantType = param('grant_type');
    if (grantType === 'authorization_code') {
      const redeemed = this.codes.redeem(param('code'), param('redirect_uri'), param('code_verifier'));
      if ('refused' in redeemed) return { status: 400, json: { reason: 'Invalid authorization code', error: 'invalid_grant' } };
      return { json: this.grant(redeemed.grant) };
    }
    const refreshToken = String(param('refresh_token') ?? '');
    const grant = this.refreshTokens.get(refreshToken);
    this.refreshTokens.delete(refreshToken);
    if (!grant) return { status: 400, json: { reason: 'Invalid Token!', error: 'invalid_grant' } };
    return { json: this.grant(grant) };
  }

  private grant(info: ZoomUserGrantInfo): Record<string, unknown> {
    const accessToken = token('zuser');
    const refreshToken = token('zrefresh');
    this.register(accessToken, { userId: info.userId, scope: info.scope }, this.clock.now() + this.ttlSec * 1000);
    this.refreshTokens.set(refreshToken, { userId: info.userId, scope: info.scope });
    return { access_token: accessToken, token_type: 'bearer', refresh_token: refreshToken, expires_in: this.ttlSec, scope: info.scope };
  }
}
