import type { Platform } from '@amo/presence-core';
import type { Env } from './config.schema';

type EnvName = keyof Env & string;

/** Which environment variables hold a platform's credentials, and the seed-style key each becomes. */
export interface PlatformEnv {
  /** All must be set for the platform to be connected at start. */
  required: [EnvName, string][];
  optional: [EnvName, string][];
  /** Which variables, when set, mean "connect this platform at start" (default: all of them). */
  triggers?: [EnvName, string][];
}

export const PLATFORM_ENV: Record<Platform, PlatformEnv> = {
  discord: {
    required: [['DISCORD_BOT_TOKEN', 'bot_token'], ['DISCORD_GUILD_ID', 'guild_id']],
    optional: [],
  },
  slack: {
    required: [['SLACK_BOT_TOKEN', 'bot_token']],
    optional: [['SLACK_SIGNING_SECRET', 'signing_secret'], ['SLACK_APP_TOKEN', 'app_token']],
  },
  teams: {
    required: [['TEAMS_TENANT_ID', 'tenant_id'], ['TEAMS_CLIENT_ID', 'client_id'], ['TEAMS_CLIENT_SECRET', 'client_secret']],
    optional: [],
  },
  zoom: {
    required: [['ZOOM_ACCOUNT_ID', 'account_id'], ['ZOOM_CLIENT_ID', 'client_id'], ['ZOOM_CLIENT_SECRET', 'client_secret']],
    optional: [['ZOOM_WEBHOOK_SECRET_TOKEN', 'webhook_secret_token']],
    // Client id and secret alone are a user-managed OAuth app's: they enable the OAuth connect flow.
    triggers: [['ZOOM_ACCOUNT_ID', 'account_id'], ['ZOOM_WEBHOOK_SECRET_TOKEN', 'webhook_secret_token']],
  },
  whatsapp: {
    required: [['WHATSAPP_API_KEY', 'api_key'], ['WHATSAPP_PHONE_NUMBER_ID', 'phone_number_id']],
    optional: [['WHATSAPP_APP_SECRET', 'app_secret'], ['WHATSAPP_VERIFY_TOKEN', 'verify_token']],
  },
  linkedin: {
    // Client id and secret alone only enable the OAuth connect flow; the access token connects.
    required: [['LINKEDIN_ACCESS_TOKEN', 'access_token']],
    optional: [['LINKEDIN_CLIENT_ID', 'client_id'], ['LINKEDIN_CLIENT_SECRET', 'client_secret']],
    triggers: [['LINKEDIN_ACCESS_TOKEN', 'access_token']],
  },
};
