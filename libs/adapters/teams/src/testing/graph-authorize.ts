import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorReply, EmulatorRequest } from '@amo/presence-adapter-kit/testing';
import type { Clock } from '@amo/presence-core';
import { oauthError } from './graph-replies';
import type { GraphEmulatorTenant } from './graph-tokens';

interface PendingCode {
  tenantId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  challenge?: string;
  expiresAt: number;
}

/**
 * The identity platform's delegated sign-in: `GET /{tenant}/oauth2/v2.0/authorize` redirects back with `code`
 * and `state` (or `error=access_denied`), and the token endpoint's `authorization_code` grant redeems the code
 * once (redirect URI and PKCE verifier checked) for the signed-in user.
 */
export class GraphSignIns {
  /** The user who signs in on the authorize page (a new id by default). */
  signInAs: string = randomUUID();
  private denyNextSignIn = false;
  private readonly codes = new Map<string, PendingCode>();

  constructor(private readonly clock: Clock) {}

  /** The next sign-in is declined by the user (AADSTS65004). */
  denyNext(): void {
    this.denyNextSignIn = true;
  }

  authorize(req: EmulatorRequest, tenant: GraphEmulatorTenant | undefined): EmulatorReply {
    const { client_id: clientId, redirect_uri: redirectUri, state } = req.query;
    if (!tenant) return oauthError(400, 'invalid_request', 90002, `Tenant '${req.params['tenant']}' not found.`);
    if (clientId !== tenant.clientId) return oauthError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory.`);
    if (!redirectUri) return oauthError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'redirect_uri'.");
    const back = new URL(redirectUri);
    if (this.denyNextSignIn) {
      this.denyNextSignIn = false;
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'AADSTS65004: User declined to consent to access the app.');
    } else {
      const code = `0.${randomBytes(24).toString('base64url')}`;
      this.codes.set(code, { tenantId: tenant.tenantId, clientId: tenant.clientId, userId: this.signInAs, redirectUri, challenge: req.query.code_challenge, expiresAt: this.clock.now() + 10 * 60_000 });
      back.searchParams.set('code', code);
    }
    if (state !== undefined) back.searchParams.set('state', state);
    return { status: 302, headers: { location: back.toString() }, body: '' };
  }

  /** The signed-in user behind a code, or the identity platform's error; a code works once. */
  redeem(form: Record<string, string>, tenant: GraphEmulatorTenant): { userId: string } | EmulatorReply {
    const pending = this.codes.get(form['code'] ?? '');
    this.codes.delete(form['code'] ?? '');
    if (!pending || pending.tenantId !== tenant.tenantId || pending.clientId !== tenant.clientId || pending.expiresAt <= this.clock.now()) {
      return oauthError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired or was already redeemed.');
    }
    if (pending.redirectUri !== form['redirect_uri']) return oauthError(400, 'invalid_grant', 50148, 'The redirect URI does not match the one in the authorization request.');
    const verifier = form['code_verifier'];
    if (pending.challenge !== undefined && (!verifier || createHash('sha256').update(verifier, 'ascii').digest('base64url') !== pending.challenge)) {
      return oauthError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    }
    return { userId: pending.userId };
  }
}
