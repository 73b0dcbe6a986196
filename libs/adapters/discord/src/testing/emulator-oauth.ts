import { createHash, randomBytes } from 'node:crypto';
import type { EmulatorReply, EmulatorRequest, EmulatorServer } from '@amo/presence-adapter-kit/testing';
import type { EmulatorWorld } from './emulator-world';

interface PendingCode {
  guildId: string;
  redirectUri: string;
  permissions: string;
  challenge?: string;
  expiresAt: number;
}

/**
 * Discord's bot authorization (adding the bot to a server): `GET /oauth2/authorize?scope=bot` redirects back with
 * `code`, `state`, the chosen `guild_id` and `permissions` (or `error=access_denied`), and `POST
 * /api/oauth2/token` (also under `/api/v10`) redeems the code once (redirect URI and PKCE verifier checked) for
 * a token response that carries the `guild`. The guild is added to the emulator's world.
 */
export class DiscordOAuthApp {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The server the admin picks on the authorize page. */
  installInto = '290926798626357999';
  private denyNextInstall = false;
  private readonly codes = new Map<string, PendingCode>();

  constructor(
    private readonly world: EmulatorWorld,
    private readonly now: () => number,
    options: { clientId?: string; clientSecret?: string } = {},
  ) {
    this.clientId = options.clientId ?? '157730590492196864';
    this.clientSecret = options.clientSecret ?? randomBytes(16).toString('hex');
  }

  /** The next authorization is cancelled (`error=access_denied`). */
  denyNext(): void {
    this.denyNextInstall = true;
  }

  mount(server: EmulatorServer): void {
    server.route('GET', '/oauth2/authorize', (req) => this.authorize(req));
    server.route('POST', '/api/oauth2/token', (req) => this.token(req));
    server.route('POST', '/api/v10/oauth2/token', (req) => this.token(req));
  }

  private authorize(req: EmulatorRequest): EmulatorReply {
    const { client_id: clientId, redirect_uri: redirectUri, state, scope, permissions } = req.query;
    if (clientId !== this.clientId) return { status: 400, json: { client_id: ['Value "' + String(clientId) + '" is not snowflake.'] } };
    if (!redirectUri) return { status: 400, json: { redirect_uri: ['Invalid OAuth2 redirect_uri'] } };
    const back = new URL(redirectUri);
    if (this.denyNextInstall || !(scope ?? '').split(' ').includes('bot')) {
      this.denyNextInstall = false;
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The resource owner or authorization server denied the request');
    } else {
      const code = randomBytes(15).toString('base64url');
      this.codes.set(code, { guildId: this.installInto, redirectUri, permissions: permissions ?? '0', challenge: req.query.code_challenge, expiresAt: this.now() + 10 * 60_000 });
      back.searchParams.set('code', code);
      back.searchParams.set('guild_id', this.installInto);
      back.searchParams.set('permissions', permissions ?? '0');
    }
    if (state !== undefined) back.searchParams.set('state', state);
    return { status: 302, headers: { location: back.toString() }, body: '' };
  }

  private token(req: EmulatorRequest): EmulatorReply {
    const form = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, string>;
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    const [basicId, basicSecret] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : [];
    if ((form['client_id'] ?? basicId) !== this.clientId || (form['client_secret'] ?? basicSecret) !== this.clientSecret) {
      return { status: 401, json: { error: 'invalid_client' } };
    }
    if (form['grant_type'] !== 'authorization_code') return { status: 400, json: { error: 'unsupported_grant_type' } };
    const pending = this.codes.get(form['code'] ?? '');
    this.codes.delete(form['code'] ?? '');
    const verifier = form['code_verifier'];
    const pkceOk = pending?.challenge === undefined || (verifier !== undefined && createHash('sha256').update(verifier, 'ascii').digest('base64url') === pending.challenge);
    if (!pending || pending.expiresAt <= this.now() || pending.redirectUri !== form['redirect_uri'] || !pkceOk) {
      return { status: 400, json: { error: 'invalid_grant', error_description: 'Invalid "code" in request.' } };
    }
    const guild = this.world.addGuild(pending.guildId);
    return {
      json: {
        token_type: 'Bearer',
        access_token: randomBytes(15).toString('base64url'),
        expires_in: 604_800,
        refresh_token: randomBytes(15).toString('base64url'),
        scope: 'bot',
        guild: { id: pending.guildId, name: guild.name, permissions: pending.permissions },
      },
    };
  }
}
