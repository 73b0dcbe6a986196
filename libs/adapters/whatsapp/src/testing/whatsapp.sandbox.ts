import { httpOutage, lastSeenAgoMs, type PlatformSandboxStarter, statusOf, SANDBOX_LOG_LIMIT } from '@amo/presence-adapter-kit/testing';
import { createWhatsAppAdapter } from '../whatsapp.adapter';
import { parseWhatsAppCredentials } from '../whatsapp.credentials';
import { handleWhatsAppWebhook } from '../whatsapp.webhook';
import { WhatsAppEmulator } from './whatsapp.emulator';

/**
 * WhatsApp Business in the sandbox: no presence exists, only signals, each a signed webhook: `message` (the
 * person wrote to us now), `read` (they read our message now), `last seen 30m ago` (a message that long ago).
 * During an outage no webhook is sent and the Graph API answers 503.
 */
export const whatsappSandbox: PlatformSandboxStarter = {
  natives: ['message', 'read'],
  accountId: (index) => `1555010${String(1000 + index + 1)}`, // a wa_id (the phone number)
  samplePeople: { alice: 'message', carol: 'last seen 30m ago', erin: null },
  async start(ctx) {
    const whatsapp = await WhatsAppEmulator.start({ clock: ctx.clock });
    whatsapp.limitLogs(SANDBOX_LOG_LIMIT);
    const credentials = whatsapp.credentials();
    let down = false;
    return {
      endpoints: { whatsappGraph: whatsapp.graphBaseUrl },
      credentials,
      async apply(accountId, native) {
        const url = ctx.webhookUrl;
        if (url === undefined || down) return undefined;
        const at = new Date(ctx.clock.now() - (lastSeenAgoMs(native) ?? 0));
        if (native === 'read') return statusOf(whatsapp.webhooks.status(url, { recipientId: accountId, status: 'read', at }));
        return statusOf(whatsapp.webhooks.message(url, { from: accountId, at, text: 'Are we still on for today?' }));
      },
      outage(on) {
        down = on;
        httpOutage(whatsapp.server, on, { status: 503, json: { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2, is_transient: true } } });
      },
      receive(request) {
        const result = handleWhatsAppWebhook(request, { appSecret: whatsapp.appSecret, verifyToken: whatsapp.verifyToken }, ctx.clock);
        return { status: result.status, body: result.body, contentType: result.contentType, records: result.records };
      },
      createAdapter: (deps) =>
        createWhatsAppAdapter(
          {
            credentials: parseWhatsAppCredentials(credentials),
            graphBaseUrl: whatsapp.graphBaseUrl,
            recencyWindowMs: deps.recencyWindowMs,
            maxRetries: deps.maxRetries,
            breaker: deps.breaker,
            backoff: deps.backoff,
          },
          { clock: deps.clock, fetch: deps.fetch, budgets: deps.budgets },
        ),
      close: () => whatsapp.close(),
    };
  },
};
