import { createWhatsAppAdapter, parseWhatsAppCredentials, type WhatsAppAdapter, type WhatsAppCredentials } from '@amo/presence-adapter-whatsapp';
import type { PlatformWiring } from './platform-wiring';

/**
 * WhatsApp Business Cloud API: no presence exists, so recency is inferred from signed webhooks (inbound
 * messages, read receipts). The adapter verifies deliveries and feeds its push sink.
 */
export const whatsappPlatform: PlatformWiring = {
  platform: 'whatsapp',
  parseCredentials: (record) => ({ ...parseWhatsAppCredentials(record) }),
  createAdapter: (credentials, context) =>
    createWhatsAppAdapter(
      {
        credentials: credentials as unknown as WhatsAppCredentials,
        graphBaseUrl: context.baseUrls.whatsappGraph,
        apiVersion: context.baseUrls.whatsappApiVersion,
        recencyWindowMs: context.config.recencyWindowMs,
        maxRetries: context.config.maxRetries,
      },
      { fetch: context.fetch, budgets: context.budgets },
    ),
  webhook: {
    methods: ['GET', 'POST'],
    handle: (input, target) => {
      const adapter = target.adapter as WhatsAppAdapter | undefined;
      if (!adapter) return { status: 404, body: { error: 'whatsapp is not connected' }, contentType: 'application/json', records: [] };
      const result = adapter.receiveWebhook({ method: input.method, headers: input.headers, rawBody: input.rawBody, query: input.query });
      return { status: result.status, body: result.body, contentType: result.contentType, records: [] };
    },
  },
};
