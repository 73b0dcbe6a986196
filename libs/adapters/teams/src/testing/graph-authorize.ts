import { randomBytes, randomUUID } from 'node:crypto';
import { AuthorizationCodes, type EmulatorReply, type EmulatorRequest } from '@amo/presence-adapter-kit/testing';
import type { Clock } from '@amo/presence-core';
import { oauthError } from './graph-replies';
import type { GraphEmulatorTenant } from './graph-tokens';

/** Who a code signs in, for which app registration. */
interface SignIn {
  tenantId: string;
  clientId: string;
  userId: string;
}

/**
 * The identity platform's delegated sign-in: `GET /{tenant}/oauth2/v2.0/authorize` redirects back with `code`
 * and `state` (or `error=access_denied`), and the token endpoint's `authorization_code` grant redeems the code
 * once (redirect URI and PKCE verifier checked) for the signed-in user.
 */
export class GraphSignIns {
  /** The user who signs in on the authorize page (a new id by default). */
  signInAs: string = randomUUID();
  private readonly codes: AuthorizationCodes<SignIn>;

  constructor(clock: Clock) {
    this.codes = new AuthorizationCodes(() => clock.now(), { decline: { error: 'access_denied', description: 'AADSTS65004: User declined to consent to access the app.' } });
  }

  /** The next sign-in is declined by the user (AADSTS65004). */
  denyNext(): void {
    this.codes.denyNext();
  }

  authorize(req: EmulatorRequest, tenant: GraphEmulatorTenant | undefined): EmulatorReply {
    const { client_id: clientId, redirect_uri: redirectUri } = req.query;
    if (!tenant) return oauthError(400, 'invalid_request', 90002, `Tenant '${req.params['tenant']}' not found.`);
    if (clientId !== tenant.clientId) return oauthError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory.`);
    if (!redirectUri) return oauthError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'redirect_uri'.");
    const signIn = { tenantId: tenant.tenantId, clientId: tenant.clientId, userId: this.signInAs };
    return this.codes.redirect(req, redirectUri, { code: () => ({ code: `0.${randomBytes(24).toString('base64url')}`, grant: signIn }) });
  }

  /** The signed-in user behind a code, or the identity platform's error; a code works once. */
  redeem(form: Record<string, string>, tenant: GraphEmulatorTenant): { userId: string } | EmulatorReply {
    const redeemed = this.codes.redeem(form['code'], form['redirect_uri'], form['code_verifier']);
    if ('refused' in redeemed && redeemed.refused === 'redirect_uri') {
      return oauthError(400, 'invalid_grant', 50148, 'The redirect URI does not match the one in the authorization request.');
    }
    if ('refused' in redeemed && redeemed.refused === 'pkce') {
      return oauthError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
    }
    if ('refused' in redeemed || redeemed.grant.tenantId !== tenant.tenantId || redeemed.grant.clientId !== tenant.clientId) {
      return oauthError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired or was already redeemed.');
    }
    return { userId: redeemed.grant.userId };
  }
}
