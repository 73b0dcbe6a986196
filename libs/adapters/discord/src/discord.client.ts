import { PresenceError } from '@amo/presence-core';
import { type HttpClientTuning, httpClientTuning, PlatformHttpClient } from '@amo/presence-adapter-kit';
import { parseDiscordError } from './discord.errors';
import { discordManifest } from './discord.manifest';
import type { SessionStartLimit } from './gateway/identify-throttle';

/** GET /gateway/bot: where to connect, how many shards Discord recommends, and how many identifies are left. */
export interface GatewayBotInfo {
  url: string;
  shards: number;
  session_start_limit: SessionStartLimit;
}

export interface DiscordRestOptions extends HttpClientTuning {
  botToken: string;
  apiBaseUrl: string;
}

const REST_BUCKET = discordManifest.rateBudgets[1].bucket;

/** The one REST call the gateway needs, through the kit's client (budget, retries, breaker, error mapping). */
export class DiscordRestClient {
  readonly http: PlatformHttpClient;

  constructor(options: DiscordRestOptions) {
    options.budgets?.define(discordManifest.rateBudgets[1]);
    this.http = new PlatformHttpClient({
      ...httpClientTuning(options, options),
      platform: 'discord',
      baseUrl: options.apiBaseUrl,
      parseError: (outcome) => parseDiscordError(outcome),
      // A static header rather than a TokenProvider: a bot token cannot be refreshed, and a retried 401 would
      // only add to Discord's invalid-request count (10,000 per 10 min bans the IP).
      defaultHeaders: {
        authorization: `Bot ${options.botToken}`,
        'user-agent': 'DiscordBot (https://github.com/amo/presence-aggregator, 0.1.0)',
      },
    });
  }

  /** Verifies the token and returns the gateway URL and session start limit. */
  async gatewayBot(): Promise<GatewayBotInfo> {
    const response = await this.http.request<Partial<GatewayBotInfo>>({
      path: discordManifest.endpoints.gatewayBot,
      bucket: REST_BUCKET,
    });
    const body = response.body ?? {};
    const limit = body.session_start_limit;
    if (typeof body.url !== 'string' || !limit || typeof limit.remaining !== 'number') {
      throw new PresenceError('PROTOCOL', 'Discord GET /gateway/bot answered without url or session_start_limit', {
        platform: 'discord',
        status: response.status,
      });
    }
    return {
      url: body.url,
      shards: typeof body.shards === 'number' ? body.shards : 1,
      session_start_limit: {
        total: limit.total,
        remaining: limit.remaining,
        reset_after: typeof limit.reset_after === 'number' ? limit.reset_after : 0,
        max_concurrency: typeof limit.max_concurrency === 'number' ? limit.max_concurrency : 1,
      },
    };
  }

  close(): void {
    this.http.close();
  }
}
