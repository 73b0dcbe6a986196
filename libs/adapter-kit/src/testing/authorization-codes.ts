import { createHash } from 'node:crypto';
import type { EmulatorReply, EmulatorRequest } from './emulator-types';

/** A code the authorize page handed out, waiting for the token endpoint. */
interface PendingCode<T> {
  grant: T;
  redirectUri: string;
  /** The S256 PKCE challenge sent to the authorize page, if any. */
  challenge?: string;
  expiresAt: number;
}

/** Why a code was refused: unknown or already used, past its lifetime, another redirect URI, a wrong PKCE verifier. */
export type CodeRefusal = 'invalid' | 'expired' | 'redirect_uri' | 'pkce';

/** What the authorize page does with one request, once the platform's own checks (client id...) passed. */
export interface AuthorizeOutcome<T> {
  /** A refusal to redirect with instead of a code (`unsupported_response_type`, a missing scope). */
  error?: string;
  /** The code's text, in the platform's format, and what it grants. */
  code?: () => { code: string; grant: T; params?: Record<string, string> };
}

export interface AuthorizationCodesOptions {
  /** The platform's word and text for a user who declines (`access_denied`, LinkedIn's `user_cancelled_authorize`). */
  decline: { error: string; description?: string };
  /** How long a code stays redeemable (default 10 minutes). */
  lifetimeMs?: number;
  /** Whether the platform takes a PKCE `code_challenge` (default true); without it a challenge is ignored. */
  pkce?: boolean;
}

/**
 * The authorization-code half every OAuth emulator shares: the authorize page's 302 back to `redirect_uri` (a
 * code and the echoed `state`, or the platform's decline error when {@link denyNext} was called), and codes that
 * redeem once, within their lifetime, for the same redirect URI and, when a challenge was sent, the S256 verifier.
 * Each platform keeps its own checks before and its own error bodies after.
 */
export class AuthorizationCodes<T> {
  private denying = false;
  private readonly codes = new Map<string, PendingCode<T>>();

  constructor(
    private readonly now: () => number,
    private readonly options: AuthorizationCodesOptions,
  ) {}

  /** The next authorization is declined by the user. */
  denyNext(): void {
    this.denying = true;
  }

  /** The authorize page's answer: a 302 to `redirectUri` with a code, or with an error. */
  redirect(req: EmulatorRequest, redirectUri: string, outcome: AuthorizeOutcome<T>): EmulatorReply {
    const back = new URL(redirectUri);
    const { state } = req.query;
    const challenge = this.options.pkce === false ? undefined : req.query.code_challenge;
    const { decline, lifetimeMs = 10 * 60_000 } = this.options;
    if (outcome.error !== undefined) {
      back.searchParams.set('error', outcome.error);
    } else if (this.denying || outcome.code === undefined) {
      this.denying = false;
      back.searchParams.set('error', decline.error);
      if (decline.description !== undefined) back.searchParams.set('error_description', decline.description);
    } else {
      const issued = outcome.code();
      this.codes.set(issued.code, { grant: issued.grant, redirectUri, challenge, expiresAt: this.now() + lifetimeMs });
      back.searchParams.set('code', issued.code);
      for (const [name, value] of Object.entries(issued.params ?? {})) back.searchParams.set(name, value);
    }
    if (state !== undefined) back.searchParams.set('state', state);
    return { status: 302, headers: { location: back.toString() }, body: '' };
  }

  /** Redeems a code (once, whatever the outcome): what it grants, or why not. */
  redeem(code: unknown, redirectUri: unknown, verifier: unknown): { grant: T } | { refused: CodeRefusal } {
    const key = typeof code === 'string' ? code : '';
    const pending = this.codes.get(key);
    this.codes.delete(key);
    if (!pending) return { refused: 'invalid' };
    if (pending.expiresAt <= this.now()) return { refused: 'expired' };
    if (pending.redirectUri !== redirectUri) return { refused: 'redirect_uri' };
    if (pending.challenge !== undefined && (typeof verifier !== 'string' || s256(verifier) !== pending.challenge)) return { refused: 'pkce' };
    return { grant: pending.grant };
  }
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** The client id and secret a token request authenticates with: form fields first, else HTTP Basic. */
export function tokenClient(req: EmulatorRequest, form: Readonly<Record<string, string | undefined>>): { clientId?: string; clientSecret?: string } {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  const [basicId, basicSecret] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : [];
  return { clientId: form['client_id'] ?? basicId, clientSecret: form['client_secret'] ?? basicSecret };
}
