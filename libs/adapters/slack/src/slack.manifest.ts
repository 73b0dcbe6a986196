import type { AdapterCapabilities, RateBudgetSpec } from '@amo/presence-core';

/** Slack's Web API root; every method is `{base}/{method.name}`. */
export const SLACK_DEFAULT_BASE_URL = 'https://slack.com/api';

/** The seed's PRESENCE_POLL_INTERVAL; each sweep step is sized to fit this interval. */
export const SLACK_DEFAULT_INTERVAL_MS = 30_000;

/** dnd.teamInfo accepts at most this many users per call. */
export const SLACK_DND_BATCH = 50;

/** Budget bucket names, platform-scoped so a shared registry keeps them apart from other adapters'. */
export const SLACK_BUCKETS = {
  presence: 'slack:users.getPresence',
  dnd: 'slack:dnd.teamInfo',
  profile: 'slack:users.profile.get',
  auth: 'slack:auth.test',
} as const;

/**
 * Slack's published tiers, per method per workspace per app: Tier 2 = 20/min, Tier 3 = 50/min, Tier 4 = 100/min.
 * auth.test is "special" (hundreds a minute); it runs once per connect, so a modest bucket is enough.
 */
export const SLACK_BUDGET_SPECS = {
  presence: { bucket: SLACK_BUCKETS.presence, limit: 50, windowMs: 60_000 },
  dnd: { bucket: SLACK_BUCKETS.dnd, limit: 20, windowMs: 60_000 },
  profile: { bucket: SLACK_BUCKETS.profile, limit: 100, windowMs: 60_000 },
  auth: { bucket: SLACK_BUCKETS.auth, limit: 100, windowMs: 60_000 },
} as const satisfies Record<keyof typeof SLACK_BUCKETS, RateBudgetSpec>;

export const SLACK_RATE_BUDGETS: readonly RateBudgetSpec[] = Object.values(SLACK_BUDGET_SPECS);

/** The capabilities of an adapter with the default options (30 s interval, DND and profiles read). */
export const SLACK_DEFAULT_CAPABILITIES: AdapterCapabilities = {
  freshness: 'poll',
  poll: true,
  push: false,
  inferred: false,
  batchSize: 1,
  idsPerMinute: 50,
  rateBudgets: SLACK_RATE_BUDGETS,
  fields: ['activity', 'customMessage', 'expiresAt'],
};

/** One credential or setting the service collects for Slack. `aliases` are the seed-style keys accepted too. */
export interface SlackManifestField {
  key: string;
  label: string;
  secret: boolean;
  required: boolean;
  env?: string;
  aliases: readonly string[];
  default?: string;
}

/**
 * Slack described as data: what to ask the operator for, where to call, how fast, and what the adapter
 * can do. The service builds its configuration forms and validation from this; a schema test checks it.
 */
export const slackManifest = {
  platform: 'slack',
  displayName: 'Slack',
  auth: { kind: 'bot-token', header: 'Authorization', scheme: 'Bearer' },
  credentials: [
    {
      key: 'botToken',
      label: 'Bot user OAuth token (xoxb-...)',
      secret: true,
      required: true,
      env: 'SLACK_BOT_TOKEN',
      aliases: ['bot_token', 'token', 'slack_bot_token', 'SLACK_BOT_TOKEN'],
    },
    {
      key: 'signingSecret',
      label: 'Signing secret (Events API requests)',
      secret: true,
      required: false,
      env: 'SLACK_SIGNING_SECRET',
      aliases: ['signing_secret', 'slack_signing_secret', 'SLACK_SIGNING_SECRET'],
    },
  ] satisfies SlackManifestField[],
  baseUrls: [
    {
      key: 'baseUrl',
      label: 'Web API base URL',
      secret: false,
      required: false,
      env: 'SLACK_API_URL',
      aliases: ['base_url', 'apiUrl', 'api_url', 'slackApiUrl', 'SLACK_API_URL'],
      default: SLACK_DEFAULT_BASE_URL,
    },
  ] satisfies SlackManifestField[],
  defaultIntervalMs: SLACK_DEFAULT_INTERVAL_MS,
  rateBudgets: SLACK_RATE_BUDGETS,
  retryAfter: { header: 'Retry-After', unit: 'seconds' },
  scopes: ['users:read', 'dnd:read', 'users.profile:read'],
  methods: ['auth.test', 'users.getPresence', 'dnd.teamInfo', 'users.profile.get'],
  events: ['url_verification', 'user_status_changed', 'user_change', 'dnd_updated_user'],
  webhook: { signature: 'X-Slack-Signature', timestamp: 'X-Slack-Request-Timestamp', scheme: 'v0', toleranceSec: 300 },
  capabilities: SLACK_DEFAULT_CAPABILITIES,
} as const;

export type SlackManifest = typeof slackManifest;
