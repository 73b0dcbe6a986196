/** Where a client gets its bearer token. `invalidate` makes the next `getToken` refresh. */
export interface TokenProvider {
  getToken(): Promise<string>;
  /**
   * Drops the cached token so the next `getToken` refreshes. Passing the token that was rejected makes it a no-op
   * when another caller has already replaced that token (two 401s racing must not cause two refreshes).
   */
  invalidate(rejectedToken?: string): void;
}

/** An OAuth token response, normalized. `expiresAt` is epoch ms; `raw` keeps platform extras (Slack team, Discord guild). */
export interface TokenSet {
  accessToken: string;
  expiresAt?: number;
  refreshToken?: string;
  scope?: string;
  tokenType?: string;
  raw: Record<string, unknown>;
}

/** A fixed token (Slack bot token, Discord bot token, WhatsApp system-user token): nothing to refresh. */
export class StaticTokenProvider implements TokenProvider {
  constructor(private readonly token: string) {}

  getToken(): Promise<string> {
    return Promise.resolve(this.token);
  }

  invalidate(): void {
    // A static token cannot be refreshed; the 401 retry then fails again and surfaces AUTH_INVALID.
  }
}
