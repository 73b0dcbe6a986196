import { type HttpClientTuning, httpClientTuning, PlatformHttpClient, RateBudgetRegistry, RefreshingTokenProvider, type TokenSet } from '@amo/presence-adapter-kit';
import { type AdapterHealth, PresenceError } from '@amo/presence-core';
import type { LinkedInCredentials } from './linkedin.credentials';
import { parseLinkedInError } from './linkedin.errors';
import { linkedinManifest } from './linkedin.manifest';
import { linkedinOAuthEndpoints } from './linkedin.oauth';

/**
 * The OpenID Connect userinfo answer (`GET /v2/userinfo`). `sub` is the member id in `urn:li:person:{sub}`.
 * Hand-written; follows "Sign In with LinkedIn using OpenID Connect" (learn.microsoft.com, LinkedIn consumer
 * integrations, self-serve).
 */
export interface LinkedInUserInfo {
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  locale?: unknown;
  email?: string;
  email_verified?: boolean;
}

export interface LinkedInApiClientOptions extends HttpClientTuning {
  credentials: LinkedInCredentials & { accessToken: string };
  oauthBaseUrl?: string;
  apiBaseUrl?: string;
  /** Called with every refreshed token set, so the service can store it (encrypted) for the next start. */
  onTokenRefresh?: (tokens: TokenSet) => void;
}

const BUCKET = linkedinManifest.rateBudgets[0].bucket;

/** The only LinkedIn API call there is for us: userinfo, to prove the member's token works. */
export class LinkedInApiClient {
  private readonly http: PlatformHttpClient;
  private readonly staticAuthorization?: string;

  constructor(options: LinkedInApiClientOptions) {
    const { credentials, clock } = options;
    const budgets = options.budgets ?? new RateBudgetRegistry(clock);
    budgets.define(linkedinManifest.rateBudgets[0]);
    const canRefresh = credentials.refreshToken !== undefined && credentials.clientId !== undefined;
    const auth = canRefresh
      ? new RefreshingTokenProvider({
          tokens: {
            accessToken: credentials.accessToken,
            expiresAt: credentials.accessTokenExpiresAt,
            refreshToken: credentials.refreshToken,
            raw: {},
          },
          tokenUrl: linkedinOAuthEndpoints(options.oauthBaseUrl).tokenUrl,
          clientId: credentials.clientId as string,
          clientSecret: credentials.clientSecret,
          clientAuth: 'body',
          onRefresh: options.onTokenRefresh,
          clock,
          fetch: options.fetch,
          platform: 'linkedin',
        })
      : undefined;
    // Without a refresh token there is nothing to retry a 401 with, so the token goes in as a plain header.
    if (!auth) this.staticAuthorization = `Bearer ${credentials.accessToken}`;
    this.http = new PlatformHttpClient({
      ...httpClientTuning(options, options),
      platform: 'linkedin',
      baseUrl: (options.apiBaseUrl ?? linkedinManifest.baseUrls.api.default).replace(/\/+$/, ''),
      parseError: (outcome) => parseLinkedInError(outcome, clock ? clock.now() : Date.now()),
      auth,
      budgets,
    });
  }

  /** Reads the member behind the token; throws AUTH_INVALID for an invalid, expired or revoked token. */
  async userInfo(): Promise<LinkedInUserInfo> {
    const response = await this.http.request<LinkedInUserInfo>({
      path: linkedinManifest.endpoints.userinfo,
      headers: this.staticAuthorization ? { Authorization: this.staticAuthorization } : undefined,
      bucket: BUCKET,
    });
    const body = response.body;
    if (typeof body !== 'object' || body === null || typeof body.sub !== 'string' || body.sub === '') {
      throw new PresenceError('PROTOCOL', 'linkedin userinfo answered without a sub', { platform: 'linkedin', status: response.status });
    }
    return body;
  }

  health(): AdapterHealth {
    return this.http.health();
  }

  close(): void {
    this.http.close();
  }
}
