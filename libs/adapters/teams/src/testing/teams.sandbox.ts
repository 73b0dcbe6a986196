import { httpOutage, type PlatformSandboxStarter, SANDBOX_LOG_LIMIT } from '@amo/presence-adapter-kit/testing';
import { createTeamsAdapter } from '../teams.adapter';
import { GraphEmulator } from './teams.emulator';

/** Long enough that the sandbox's signed-in user never needs a refresh while a demo runs (a year). */
const DELEGATED_LIFETIME_SEC = 365 * 24 * 3600;

/** `Busy/InAMeeting` -> Graph's availability and activity; `Away` alone uses the availability for both. */
export function parseTeamsNative(native: string): { availability: string; activity: string } {
  const [availability, activity] = native.split('/', 2).map((part) => part.trim());
  return { availability, activity: activity || availability };
}

/**
 * Microsoft Teams in the sandbox: a Graph emulator (token endpoint, getPresencesByUserId, subscriptions). Changes
 * are read by the adapter's batch poll, or notified at once to the subscriptions a signed-in user's grant allows
 * (added for a service receiver, `servicePush`). During an outage Graph answers 503 and takes changes only when
 * it recovers.
 */
export const teamsSandbox: PlatformSandboxStarter = {
  natives: ['Available/Available', 'Busy/InAMeeting', 'Busy/InACall', 'DoNotDisturb/Presenting', 'Away/Away', 'BeRightBack/BeRightBack', 'Offline/OffWork'],
  accountId: (index) => `5a1db0c5-0000-4000-8000-${(index + 1).toString(16).padStart(12, '0')}`, // an Entra object id (GUID)
  samplePeople: { alice: 'Busy/InAMeeting', bob: 'Away/Away', carol: 'Available/Available', dave: 'Offline/OffWork', frank: 'BeRightBack/BeRightBack' },
  async start(ctx) {
    const graph = await GraphEmulator.start({ clock: ctx.clock });
    graph.limitLogs(SANDBOX_LOG_LIMIT);
    graph.addUsers(ctx.accounts.map((account) => account.accountId));
    graph.setPresences(ctx.accounts.map(({ accountId, native }) => [accountId, parseTeamsNative(native ?? 'Available')] as const));
    const tenant = graph.tenant;
    const appOnly = { tenant_id: tenant.tenantId, client_id: tenant.clientId, client_secret: tenant.clientSecret };
    const credentials: Record<string, string> = { ...appOnly };
    if (ctx.servicePush) {
      const grant = graph.issueDelegatedToken({ lifetimeSec: DELEGATED_LIFETIME_SEC });
      credentials.delegated_access_token = grant.accessToken;
      credentials.delegated_refresh_token = grant.refreshToken;
    }
    let down = false;
    const held = new Map<string, string>();
    return {
      endpoints: { graphApi: graph.url, microsoftLogin: graph.url },
      credentials,
      async apply(accountId, native) {
        if (down) held.set(accountId, native);
        else graph.setPresence(accountId, parseTeamsNative(native));
        return undefined;
      },
      outage(on) {
        down = on;
        httpOutage(graph.server, on, { status: 503, headers: { 'retry-after': '1' }, json: { error: { code: 'serviceUnavailable', message: 'Service Unavailable' } } });
        if (!on && held.size > 0) {
          graph.setPresences([...held].map(([accountId, native]) => [accountId, parseTeamsNative(native)] as const));
          held.clear();
        }
      },
      // App-only: Graph refuses presence subscriptions to app tokens, so library users poll (the service pushes).
      createAdapter: (deps) =>
        createTeamsAdapter(
          { credentials: appOnly, graphBaseUrl: graph.url, loginBaseUrl: graph.url, maxRetries: deps.maxRetries, breaker: deps.breaker, backoff: deps.backoff },
          { clock: deps.clock, fetch: deps.fetch, budgets: deps.budgets, random: deps.random },
        ),
      close: () => graph.close(),
    };
  },
};
