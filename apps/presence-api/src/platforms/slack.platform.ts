import { createSlackAdapter, parseSlackCredentials, type SlackAdapter } from '@amo/presence-adapter-slack';
import type { PlatformWiring } from './platform-wiring';

/**
 * Slack: a round-robin users.getPresence sweep within the Tier budgets (plus DND and custom status), and
 * signed Events API deliveries for status and DND changes, which the adapter verifies and feeds its sink.
 */
export const slackPlatform: PlatformWiring = {
  platform: 'slack',
  parseCredentials: (record) => {
    parseSlackCredentials(record);
    return { ...record };
  },
  createAdapter: (record, context) =>
    createSlackAdapter(
      {
        ...parseSlackCredentials(record),
        baseUrl: context.baseUrls.slackApi,
        pollIntervalMs: context.config.pollIntervalsMs.slack ?? context.config.pollIntervalMs,
        maxRetries: context.config.maxRetries,
      },
      { fetch: context.fetch, budgets: context.budgets },
    ),
  webhook: {
    methods: ['POST'],
    handle: (input, target) => {
      const adapter = target.adapter as SlackAdapter | undefined;
      if (!adapter) return { status: 404, body: { error: 'slack is not connected' }, contentType: 'application/json', records: [] };
      const result = adapter.handleEvent({ headers: input.headers, rawBody: input.rawBody, method: input.method });
      return { status: result.status, body: result.body, contentType: result.contentType, records: [] };
    },
  },
  oauth: {
    authorizeUrl: (urls) => `${new URL(urls.slackApi).origin}/oauth/v2/authorize`,
    tokenUrl: (urls) => `${urls.slackApi}/oauth.v2.access`,
    scope: 'users:read,dnd:read,users.profile:read',
    clientAuth: 'body',
    pkce: false,
    kind: 'app',
    toCredentials: ({ tokens, existing }) => ({ ...existing, bot_token: tokens.accessToken }),
  },
};
