import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '@amo/presence-core';
import type { EmulatorReply, EmulatorRequest } from '@amo/presence-adapter-kit/testing';

/** What a user grant stands for: the user who signed in and the scopes they granted the app. */
export interface ZoomUserGrantInfo {
  userId: string;
  scope: string;
}

interface PendingCode extends ZoomUserGrantInfo {
  redirectUri: string;
  challenge?: string;
  expiresAt: number;
}

const token = (prefix: string): string => `${prefix}_${randomBytes(18).toString('base64url')}`;
const s256 = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/**
 * Zoom's user OAuth (an OAuth app installed by a user or an admin): `GET /oauth/authorize` redirects back with
 * `code` and `state` (or `error=access_denied`), and `POST /oauth/token` redeems `authorization_code` (PKCE
 * checked when a challenge was sent) and `refresh_token` grants. Zoom rotates refresh tokens: each one works once.
 */
export class ZoomUserOAuth {
  /** Who "signs in" on the authorization page. */
  signInAs: string;
  private denyNextAuthorization = false;
  private readonly codes = new Map<string, PendingCode>();
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
  }

  /** The next authorization is declined by the user (`error=access_denied`). */
  denyNext(): void {
    this.denyNextAuthorization = true;
  }

  /** A token set as the authorization-code grant would give it, without the browser round trip. */
  issue(userId = this.signInAs): { accessToken: string; refreshToken: string; expiresAt: number } {
    const body = this.grant({ userId, scope: this.scope });
    return { accessToken: body.access_token as string, refreshToken: body.refresh_token as string, expiresAt: this.clock.now() + this.ttlSec * 1000 };
  }

  authorize(req: EmulatorRequest): EmulatorReply {
    const { client_id: clientId, redirect_uri: redirectUri, state, response_type: responseType } = req.query;
    if (clientId !== this.clientId) return { status: 400, json: { reason: 'Invalid client_id', error: 'invalid_client' } };
    if (!redirectUri) return { status: 400, json: { reason: 'Invalid redirect uri', error: 'invalid_request' } };
    const back = new URL(redirectUri);
    if (state !== undefined) back.searchParams.set('state', state);
    if (responseType !== 'code') {
      back.searchParams.set('error', 'unsupported_response_type');
    } else if (this.denyNextAuthorization) {
      this.denyNextAuthorization = false;
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user denied the authorization');
    } else {
      if (req.query.code_challenge !== undefined && req.query.code_challenge_method !== 'S256') {
        return { status: 400, json: { reason: 'Unsupported code_challenge_method', error: 'invalid_request' } };
      }
      const code = token('zcode');
      this.codes.set(code, {
        userId: this.signInAs,
        scope: this.scope,
        redirectUri,
        challenge: req.query.code_challenge,
        expiresAt: this.clock.now() + 10 * 60_000,
      });
      back.searchParams.set('code', code);
    }
    return { status: 302, headers: { location: back.toString() }, body: '' };
  }

  /** The two user grants; the caller has checked the Basic client credentials already. */
  token(param: (name: string) => unknown): EmulatorReply {
    const grantType = param('grant_type');
    if (grantType === 'authorization_code') {
      const code = String(param('code') ?? '');
      const pending = this.codes.get(code);
      this.codes.delete(code);
      const verifier = param('code_verifier');
      const pkceOk = pending?.challenge === undefined || (typeof verifier === 'string' && s256(verifier) === pending.challenge);
      if (!pending || pending.expiresAt <= this.clock.now() || pending.redirectUri !== param('redirect_uri') || !pkceOk) {
        return { status: 400, json: { reason: 'Invalid authorization code', error: 'invalid_grant' } };
      }
      return { json: this.grant(pending) };
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
