import { buildAuthorizeUrl, createPkcePair, createState, exchangeAuthorizationCode } from '@amo/presence-adapter-kit';
import type { RedisLink } from '@amo/presence-cluster';
import { type Clock, type Platform, PresenceError } from '@amo/presence-core';
import { CredentialVault } from '@amo/presence-store';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { REDIS_LINK } from '../cluster/cluster.module';
import { createOAuthStates } from '../cluster/shared-state';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RequestMessage } from '../logging/service-logger';
import { MetricsService } from '../metrics/metrics.service';
import { ConnectionRegistry } from '../platforms/connection-registry';
import { PlatformConnector } from '../platforms/platform-connector.service';
import { PlatformWirings } from '../platforms/platform-wirings.service';
import { RuntimeEndpoints } from '../platforms/runtime-endpoints';
import { CLOCK } from '../presence/clock.provider';
import { ENCRYPTION_KEY_FILE, generateEncryptionKeyText, readOrCreateSecretFile } from '../store/secret-files';
import type { OAuthStates } from './oauth-state.store';

export interface OAuthStartInput {
  clientId?: string;
  clientSecret?: string;
  tenantId?: string;
}

export interface CallbackOutcome {
  ok: boolean;
  status: number;
  title: string;
  detail: string;
}

/**
 * The OAuth connect flow: `start` issues a single-use state with PKCE (10 minutes) and the platform's
 * authorize URL; `callback` redeems the code, stores the connection encrypted and connects it. In cluster mode
 * the states live on Redis (sealed with the store's key), so the callback may reach any instance.
 */
@Injectable()
export class OAuthService {
  private readonly logger = new Logger('OAuth');
  private readonly states: OAuthStates;

  constructor(
    private readonly wirings: PlatformWirings,
    private readonly endpoints: RuntimeEndpoints,
    private readonly connector: PlatformConnector,
    private readonly connections: ConnectionRegistry,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(REDIS_LINK) link?: RedisLink,
  ) {
    // The store's own key (PRESENCE_ENCRYPTION_KEY, else the data folder's key file), which every instance shares.
    const vault = link && new CredentialVault(config.encryptionKey ?? readOrCreateSecretFile(config.dataDir, ENCRYPTION_KEY_FILE, generateEncryptionKeyText).value);
    this.states = createOAuthStates({ clock, ttlMs: config.tuning.oauthStateTtlMs, link, vault });
  }

  async start(platform: Platform, input: OAuthStartInput): Promise<{ authorizeUrl: string; expiresAt: string }> {
    const oauth = this.wirings.require(platform).oauth;
    if (!oauth) throw new PresenceError('UNSUPPORTED', `${platform} has no OAuth connect flow`, { platform });
    const blocked = oauth.precondition?.(this.connections.credentials(platform));
    if (blocked) throw new PresenceError('UNSUPPORTED', blocked, { platform });
    const configured = this.config.oauthClients[platform];
    const client = input.clientId
      ? { clientId: input.clientId, clientSecret: input.clientSecret, tenantId: input.tenantId ?? configured?.tenantId }
      : configured;
    if (!client) {
      throw new PresenceError('UNSUPPORTED', `no OAuth client is configured for ${platform}: pass clientId and clientSecret`, { platform });
    }
    const state = createState();
    const pkce = createPkcePair();
    const redirectUri = `${this.config.publicUrl}/v1/oauth/${platform}/callback`;
    const expiresAt = await this.states.put(state, { platform, codeVerifier: pkce.verifier, redirectUri, client });
    const authorizeUrl = buildAuthorizeUrl({
      authorizeUrl: oauth.authorizeUrl(this.endpoints.baseUrls, client.tenantId),
      clientId: client.clientId,
      redirectUri,
      scope: oauth.scopes.join(oauth.scopeSeparator ?? ' '),
      state,
      pkce: oauth.pkce ? pkce : undefined,
      extraParams: oauth.extraParams,
    });
    return { authorizeUrl, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** `requestId`: the callback request's, for the log lines about it. */
  async callback(platform: Platform, query: Record<string, string>, requestId: string): Promise<CallbackOutcome> {
    const oauth = this.wirings.get(platform)?.oauth;
    const pending = query.state ? await this.states.take(query.state, platform) : undefined;
    if (!oauth || !pending) {
      return { ok: false, status: 400, title: 'This sign-in link is no longer valid', detail: 'The state is unknown, already used, or older than 10 minutes. Start again from the service.' };
    }
    if (query.error) {
      return { ok: false, status: 400, title: `${platform} did not grant access`, detail: `The platform answered: ${query.error_description ?? query.error}` };
    }
    if (!query.code) return { ok: false, status: 400, title: 'No authorization code', detail: 'The platform returned without a code.' };
    try {
      const tokens = await exchangeAuthorizationCode({
        tokenUrl: oauth.tokenUrl(this.endpoints.baseUrls, pending.client.tenantId),
        clientId: pending.client.clientId,
        clientSecret: pending.client.clientSecret,
        code: query.code,
        redirectUri: pending.redirectUri,
        codeVerifier: oauth.pkce ? pending.codeVerifier : undefined,
        clientAuth: oauth.clientAuth,
        fetch: this.metrics.instrumentFetch(platform),
        platform,
      });
      const credentials = oauth.toCredentials({ tokens, query, client: pending.client, existing: this.connections.credentials(platform) });
      await this.connector.connect(platform, credentials, { source: 'oauth', persist: { kind: oauth.kind } });
      this.logger.log(new RequestMessage(`${platform}: connected through OAuth`, requestId));
      return { ok: true, status: 200, title: `${platform} is connected`, detail: 'The connection is stored encrypted. You can close this page.' };
    } catch (error) {
      const code = error instanceof PresenceError ? error.code : 'ERROR';
      this.logger.warn(new RequestMessage(`${platform}: OAuth callback failed (${code})`, requestId));
      return { ok: false, status: 502, title: `Connecting ${platform} failed`, detail: `${code}: ${(error as Error).message}` };
    }
  }
}
