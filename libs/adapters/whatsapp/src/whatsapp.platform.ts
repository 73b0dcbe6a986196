import { contextRetryPolicy, type RateBudgetRegistry } from '@amo/presence-adapter-kit';
import type { PlatformDescriptor } from '@amo/presence-core';
import { createWhatsAppAdapter } from './whatsapp.adapter';
import { parseWhatsAppCredentials } from './whatsapp.credentials';
import { whatsappManifest } from './whatsapp.manifest';

const [apiKey, phoneNumberId, appSecret, verifyToken] = whatsappManifest.credentials;

/**
 * WhatsApp Business Cloud API for the service: no presence exists, so recency is inferred from signed webhooks
 * at `/v1/webhooks/whatsapp` (inbound messages, read receipts), which the adapter verifies and feeds its push sink.
 */
export const whatsappPlatform: PlatformDescriptor<RateBudgetRegistry> = {
  platform: 'whatsapp',
  displayName: whatsappManifest.displayName,
  credentials: [
    { key: 'api_key', env: 'WHATSAPP_API_KEY', aliases: ['apiKey', 'access_token', 'accessToken'], secret: true, required: true, description: apiKey.description },
    { key: 'phone_number_id', env: 'WHATSAPP_PHONE_NUMBER_ID', aliases: ['phoneNumberId'], secret: false, required: true, description: phoneNumberId.description },
    { key: 'app_secret', env: 'WHATSAPP_APP_SECRET', aliases: ['appSecret'], secret: true, required: false, description: appSecret.description },
    { key: 'verify_token', env: 'WHATSAPP_VERIFY_TOKEN', aliases: ['verifyToken'], secret: true, required: false, description: verifyToken.description },
  ],
  endpoints: [
    { key: 'whatsappGraph', env: 'WHATSAPP_GRAPH_BASE_URL', default: whatsappManifest.baseUrls.graph.default },
    { key: 'whatsappApiVersion', env: 'WHATSAPP_API_VERSION', format: { pattern: /^v\d+\.\d+$/, message: 'must look like v21.0' } },
  ],
  apiEndpoint: 'whatsappGraph',
  capabilities: { ...whatsappManifest.capabilities, rateBudgets: whatsappManifest.rateBudgets },
  webhooks: [
    { method: 'GET', summary: 'WhatsApp webhook verification (hub.verify_token, hub.challenge)' },
    { method: 'POST', summary: 'WhatsApp Cloud API deliveries (X-Hub-Signature-256)' },
  ],
  parseCredentials: (record) => {
    parseWhatsAppCredentials(record);
    return { ...record };
  },
  createAdapter: (record, context) =>
    createWhatsAppAdapter(
      {
        credentials: parseWhatsAppCredentials(record),
        graphBaseUrl: context.endpoints.whatsappGraph,
        apiVersion: context.endpoints.whatsappApiVersion,
        recencyWindowMs: context.recencyWindowMs,
        ...contextRetryPolicy(context),
      },
      { fetch: context.fetch, budgets: context.budgets },
    ),
};
