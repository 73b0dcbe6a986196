import { randomBytes } from 'node:crypto';
import { AuthorizationCodes, type EmulatorReply, type EmulatorRequest, type EmulatorServer, tokenClient } from '@amo/presence-adapter-kit/testing';

export interface SlackOAuthAppOptions {
  clientId?: string;
  clientSecret?: string;
  /** What `oauth.v2.access` hands out: the workspace's bot token, with its team and bot user. */
  botToken: string;
  teamId: string;
  appId: string;
  botUserId: string;
  scopes: () => readonly string[];
}

/**
 * Slack's app installation (OAuth v2): `GET /oauth/v2/authorize` redirects back with `code` and `state` (or
 * `error=access_denied`), and the `oauth.v2.access` Web API method redeems the code (client id and secret as
 * form fields or HTTP Basic) for the workspace's bot token. Failures are HTTP 200 `ok: false` like every method.
 */
export class SlackOAuthApp {
  readonly clientId: string;
  readonly clientSecret: string;
  // Slack's v2 flow takes no PKCE challenge; a code grants the installation and nothing more.
  private readonly codes = new AuthorizationCodes<true>(() => Date.now(), { decline: { error: 'access_denied' }, pkce: false });

  constructor(private readonly options: SlackOAuthAppOptions) {
    this.clientId = options.clientId ?? '1111111111.2222222222';
    this.clientSecret = options.clientSecret ?? randomBytes(16).toString('hex');
  }

  /** The next installation is cancelled by the user (`error=access_denied`). */
  denyNext(): void {
    this.codes.denyNext();
  }

  /** Mounts the two routes; call before any catch-all `/api/:method` route. */
  mount(server: EmulatorServer): void {
    server.route('GET', '/oauth/v2/authorize', (req) => this.authorize(req));
    server.route('*', '/api/oauth.v2.access', (req) => this.access(req));
  }

  private authorize(req: EmulatorRequest): EmulatorReply {
    const { client_id: clientId, redirect_uri: redirectUri } = req.query;
    if (clientId !== this.clientId) return { status: 400, body: 'Invalid client_id parameter' };
    if (!redirectUri) return { status: 400, body: 'Missing redirect_uri' };
    return this.codes.redirect(req, redirectUri, { code: () => ({ code: `${this.options.teamId}.${randomBytes(12).toString('hex')}`, grant: true }) });
  }

  private access(req: EmulatorRequest): EmulatorReply {
    const form = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, string>;
    const args: Record<string, string | undefined> = { ...req.query, ...form };
    const { clientId, clientSecret } = tokenClient(req, args);
    const fail = (error: string): EmulatorReply => ({ status: 200, json: { ok: false, error } });
    if (clientId !== this.clientId) return fail('invalid_client_id');
    if (clientSecret !== this.clientSecret) return fail('bad_client_secret');
    const redeemed = this.codes.redeem(args.code, args.redirect_uri, undefined);
    if ('refused' in redeemed) return fail(redeemed.refused === 'redirect_uri' ? 'bad_redirect_uri' : 'invalid_code');
    const { botToken, teamId, appId, botUserId } = this.options;
    return {
      status: 200,
      json: {
        ok: true,
        access_token: botToken,
        token_type: 'bot',
        scope: this.options.scopes().join(','),
        bot_user_id: botUserId,
        app_id: appId,
        team: { id: teamId, name: 'Emulator' },
        enterprise: null,
        authed_user: { id: 'U0INSTALLER' },
      },
    };
  }
}
