import { contextRetryPolicy, type RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { endpointValue, normalizeSlack, type PlatformDescriptor } from '@amo/presence-core';
import { createSlackAdapter } from './slack.adapter';
import { parseSlackCredentials } from './slack.credentials';
import { SLACK_DEFAULT_BASE_URL, SLACK_DEFAULT_CAPABILITIES, slackManifest } from './slack.manifest';

/**
 * Slack for the service: a per-method users.getPresence sweep within the Tier budgets (plus DND and custom
 * status), and signed Events API deliveries at `/v1/webhooks/slack`, which the adapter verifies and feeds its sink.
 */
export const slackPlatform: PlatformDescriptor<RateBudgetRegistry> = {
  platform: 'slack',
  displayName: slackManifest.displayName,
  credentials: [
    { key: 'bot_token', env: 'SLACK_BOT_TOKEN', aliases: ['token', 'botToken'], secret: true, required: true, description: slackManifest.credentials[0].label },
    { key: 'signing_secret', env: 'SLACK_SIGNING_SECRET', aliases: ['signingSecret'], secret: true, required: false, description: slackManifest.credentials[1].label },
    { key: 'app_token', env: 'SLACK_APP_TOKEN', secret: true, required: false, description: 'App-level token (xapp-...): accepted, not needed (no Socket Mode)' },
  ],
  endpoints: [{ key: 'slackApi', env: 'SLACK_API_BASE_URL', default: SLACK_DEFAULT_BASE_URL }],
  apiEndpoint: 'slackApi',
  capabilities: SLACK_DEFAULT_CAPABILITIES,
  normalize: (native) => normalizeSlack(native),
  webhooks: [{ method: 'POST', summary: 'Slack Events API (X-Slack-Signature; answers url_verification)' }],
  parseCredentials: (record) => {
    parseSlackCredentials(record);
    return { ...record };
  },
  createAdapter: (record, context) =>
    createSlackAdapter(
      { ...parseSlackCredentials(record), baseUrl: context.endpoints.slackApi, pollIntervalMs: context.pollIntervalMs, ...contextRetryPolicy(context) },
      { fetch: context.fetch, budgets: context.budgets },
    ),
  oauth: {
    kind: 'app',
    authorizeUrl: (endpoints) => `${new URL(endpointValue(endpoints, 'slackApi')).origin}/oauth/v2/authorize`,
    tokenUrl: (endpoints) => `${endpointValue(endpoints, 'slackApi')}/oauth.v2.access`,
    scopes: slackManifest.scopes,
    scopeSeparator: ',',
    clientAuth: 'body',
    pkce: false,
    toCredentials: ({ tokens, existing }) => ({ ...existing, bot_token: tokens.accessToken }),
  },
};
