import { httpOutage, lastSeenAgoMs, type PlatformSandboxStarter, statusOf, SANDBOX_LOG_LIMIT } from '@amo/presence-adapter-kit/testing';
import { createLinkedInAdapter } from '../linkedin.adapter';
import { parseLinkedInCredentials } from '../linkedin.credentials';
import { handleLinkedInWebhook } from '../linkedin.webhook';
import { LinkedInEmulator } from './linkedin.emulator';
import type { SocialAction } from './linkedin.payloads';

const MEMBER_ACTS: readonly SocialAction[] = ['COMMENT', 'COMMENT_EDIT', 'SHARE', 'SHARE_MENTION', 'LIKE'];

/**
 * LinkedIn in the sandbox: no presence API, only organization social action webhooks: `COMMENT`, `SHARE`,
 * `SHARE_MENTION`, `LIKE` (a member acted on our Page's post now) or `last seen 2h ago` (a comment that long ago).
 */
export const linkedinSandbox: PlatformSandboxStarter = {
  natives: ['COMMENT', 'SHARE'],
  accountId: (index) => `urn:li:person:sbx${String(index + 1).padStart(6, '0')}`,
  samplePeople: { bob: 'last seen 2h ago', dave: 'COMMENT', frank: null },
  async start(ctx) {
    const linkedin = await LinkedInEmulator.start({ clock: ctx.clock });
    linkedin.limitLogs(SANDBOX_LOG_LIMIT);
    const token = linkedin.issueToken();
    const credentials = { client_id: linkedin.clientId, client_secret: linkedin.clientSecret, access_token: token.accessToken };
    let down = false;
    return {
      endpoints: { linkedinApi: linkedin.apiBaseUrl, linkedinOAuth: linkedin.oauthBaseUrl },
      credentials,
      async apply(accountId, native) {
        const url = ctx.webhookUrl;
        if (url === undefined || down) return undefined;
        const at = new Date(ctx.clock.now() - (lastSeenAgoMs(native) ?? 0));
        const action = MEMBER_ACTS.find((act) => act === native.toUpperCase()) ?? 'COMMENT';
        return statusOf(linkedin.webhooks.actions(url, [{ action, actor: accountId, at, includeActorField: action === 'LIKE' }]));
      },
      outage(on) {
        down = on;
        httpOutage(linkedin.server, on, { status: 503, json: { status: 503, message: 'Service Unavailable' } });
      },
      receive(request) {
        const result = handleLinkedInWebhook(request, { clientSecret: linkedin.clientSecret }, ctx.clock);
        return { status: result.status, body: result.body, contentType: result.contentType, records: result.records };
      },
      createAdapter: (deps) =>
        createLinkedInAdapter(
          {
            credentials: parseLinkedInCredentials(credentials),
            oauthBaseUrl: linkedin.oauthBaseUrl,
            apiBaseUrl: linkedin.apiBaseUrl,
            recencyWindowMs: deps.recencyWindowMs,
            maxRetries: deps.maxRetries,
            breaker: deps.breaker,
            backoff: deps.backoff,
          },
          { clock: deps.clock, fetch: deps.fetch, budgets: deps.budgets },
        ),
      close: () => linkedin.close(),
    };
  },
};
