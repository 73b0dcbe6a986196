import { httpOutage, type PlatformSandboxStarter, statusOf, SANDBOX_LOG_LIMIT } from '@amo/presence-adapter-kit/testing';
import { createZoomAdapter } from '../zoom.adapter';
import { handleZoomWebhook } from '../zoom.webhook';
import { ZoomEmulator } from './zoom.emulator';

/** Zoom user ids look like `KdYKjnimT4KPd8FFgQt9FQ`; the sandbox derives one from the email it links by. */
function zoomUserId(email: string): string {
  return `sbx${Buffer.from(email).toString('base64url').slice(0, 19)}`;
}

/**
 * Zoom in the sandbox: Server-to-Server OAuth and presence_status reads, plus a signed
 * `user.presence_status_updated` webhook for every change (people are linked by email, which both carry).
 */
export const zoomSandbox: PlatformSandboxStarter = {
  natives: ['Available', 'Away', 'Do_Not_Disturb', 'In_A_Zoom_Meeting', 'On_A_Call', 'Presenting', 'Offline'],
  accountId: (_index, userId) => `${userId}@sandbox.example`, // Zoom reads presence by user id or email
  samplePeople: { alice: 'In_A_Zoom_Meeting', carol: 'Away', dave: 'Available', erin: 'Do_Not_Disturb', frank: 'Offline' },
  async start(ctx) {
    const zoom = await ZoomEmulator.start({
      clock: ctx.clock,
      users: ctx.accounts.map(({ accountId, native }) => ({ id: zoomUserId(accountId), email: accountId, status: native ?? 'Available' })),
    });
    zoom.limitLogs(SANDBOX_LOG_LIMIT);
    zoom.webhookUrl = ctx.webhookUrl;
    let down = false;
    return {
      endpoints: { zoomApi: zoom.apiBaseUrl, zoomOAuth: zoom.oauthBaseUrl },
      credentials: zoom.credentials,
      async apply(accountId, native) {
        if (!zoom.user(accountId)) zoom.addUser({ id: zoomUserId(accountId), email: accountId, status: native });
        if (down) {
          zoom.setStatus(accountId, native);
          return undefined;
        }
        return statusOf(zoom.changeStatus(accountId, native));
      },
      outage(on) {
        down = on;
        httpOutage(zoom.server, on, { status: 503, json: { code: 503, message: 'Service is temporarily unavailable.' } });
      },
      receive(request) {
        const result = handleZoomWebhook(request, { secretToken: zoom.webhookSecretToken }, ctx.clock);
        return { status: result.status, body: result.body, contentType: result.contentType, records: result.records };
      },
      createAdapter: (deps) =>
        createZoomAdapter(
          { credentials: zoom.credentials, apiBaseUrl: zoom.apiBaseUrl, oauthBaseUrl: zoom.oauthBaseUrl, maxRetries: deps.maxRetries, breaker: deps.breaker, backoff: deps.backoff },
          { clock: deps.clock, fetch: deps.fetch, budgets: deps.budgets, random: deps.random },
        ),
      close: () => zoom.close(),
    };
  },
};
