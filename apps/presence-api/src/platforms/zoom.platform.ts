import { createZoomAdapter, parseZoomCredentials, type ZoomAdapter } from '@amo/presence-adapter-zoom';
import type { PlatformWiring } from './platform-wiring';

/**
 * Zoom: Server-to-Server OAuth, polled presence_status, and signed user.presence_status_updated webhooks
 * (the adapter verifies them and feeds its push sink, so the controller ingests nothing itself).
 * There is no user OAuth flow: an S2S app is connected with its credentials.
 */
export const zoomPlatform: PlatformWiring = {
  platform: 'zoom',
  parseCredentials: (record) => ({ ...parseZoomCredentials(record) }),
  createAdapter: (credentials, context) =>
    createZoomAdapter(
      {
        credentials,
        apiBaseUrl: context.baseUrls.zoomApi,
        oauthBaseUrl: context.baseUrls.zoomOAuth,
        maxRetries: context.config.maxRetries,
      },
      { fetch: context.fetch, budgets: context.budgets },
    ),
  webhook: {
    methods: ['POST'],
    handle: (input, target) => {
      const adapter = target.adapter as ZoomAdapter | undefined;
      if (!adapter) {
        return { status: 404, body: { error: 'zoom is not connected' }, contentType: 'application/json', records: [] };
      }
      const result = adapter.handleWebhook({ headers: input.headers, rawBody: input.rawBody, method: input.method, query: input.query });
      return { status: result.status, body: result.body, contentType: result.contentType, records: [] };
    },
  },
};
