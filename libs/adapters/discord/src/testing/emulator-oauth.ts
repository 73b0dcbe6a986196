import { randomBytes } from 'node:crypto';
import { AuthorizationCodes, type EmulatorReply, type EmulatorRequest, type EmulatorServer, tokenClient } from '@amo/presence-adapter-kit/testing';
import type { EmulatorWorld } from './emulator-world';

/** What a bot-authorization code grants: the server picked and the permissions asked for. */
interface BotGrant {
  guildId: string;
  permissions: string;
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
  private readonly codes: AuthorizationCodes<BotGrant>;

  constructor(
    private readonly world: EmulatorWorld,
    private readonly now: () => number,
    options: { clientId?: string; clientSecret?: string } = {},
  ) {
    this.clientId = options.clientId ?? '157730590492196864';
    this.clientSecret = options.clientSecret ?? randomBytes(16).toString('hex');
    this.codes = new AuthorizationCodes(now, { decline: { error: 'access_denied', description: 'The resource owner or authorization server denied the request' } });
  }

  /** The next authorization is cancelled (`error=access_denied`). */
  denyNext(): void {
    this.codes.denyNext();
  }

  mount(server: EmulatorServer): void {
    server.route('GET', '/oauth2/authorize', (req) => this.authorize(req));
    server.route('POST', '/api/oauth2/token', (req) => this.token(req));
    server.route('POST', '/api/v10/oauth2/token', (req) => this.token(req));
  }

  private authorize(req: EmulatorRequest): EmulatorReply {
    const { client_id: clientId, redirect_uri: redirectUri, scope, permissions } = req.query;
    if (clientId !== this.clientId) return { status: 400, json: { client_id: ['Value "' + String(clientId) + '" is not snowflake.'] } };
    if (!redirectUri) return { status: 400, json: { redirect_uri: ['Invalid OAuth2 redirect_uri'] } };
    const granted = permissions ?? '0';
    const issue = (): { code: string; grant: BotGrant; params: Record<string, string> } => ({
      code: randomBytes(15).toString('base64url'),
      grant: { guildId: this.installInto, permissions: granted },
      params: { guild_id: this.installInto, permissions: granted },
    });
    // Without the bot scope there is no bot to add: Discord's page cancels.
    return this.codes.redirect(req, redirectUri, { code: (scope ?? '').split(' ').includes('bot') ? issue : undefined });
  }

  private token(req: EmulatorRequest): EmulatorReply {
    const form = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, string>;
    const client = tokenClient(req, form);
    if (client.clientId !== this.clientId || client.clientSecret !== this.clientSecret) {
      return { status: 401, json: { error: 'invalid_client' } };
    }
    if (form['grant_type'] !== 'authorization_code') return { status: 400, json: { error: 'unsupported_grant_type' } };
    const redeemed = this.codes.redeem(form['code'], form['redirect_uri'], form['code_verifier']);
    if ('refused' in redeemed) return { status: 400, json: { error: 'invalid_grant', error_description: 'Invalid "code" in request.' } };
    const pending = redeemed.grant;
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
