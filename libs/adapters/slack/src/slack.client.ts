import { PresenceError, type AdapterHealth, type SlackDndWindow } from '@amo/presence-core';
// Types only (erased at compile time): the published shapes of the four responses; the client itself is the kit's.
import type { AuthTestResponse, DndTeamInfoResponse, UsersGetPresenceResponse, UsersProfileGetResponse } from '@slack/web-api';
import { type HttpClientTuning, httpClientTuning, PlatformHttpClient, type RateBudgetRegistry, type TimerClock } from '@amo/presence-adapter-kit';
import { parseSlackError } from './slack.errors';
import { SLACK_BUCKETS } from './slack.manifest';
import type { SlackStatusFields } from './slack.state';

export interface SlackWebClientOptions extends HttpClientTuning {
  baseUrl: string;
  botToken: string;
  budgets: RateBudgetRegistry;
  /** Enterprise Grid: the workspace dnd.teamInfo should read. */
  teamId?: string;
}

export interface SlackAuthIdentity {
  teamId?: string;
  userId?: string;
}

function protocol(message: string): PresenceError {
  return new PresenceError('PROTOCOL', `Slack: ${message}`, { platform: 'slack' });
}

/**
 * The four Slack Web API methods the adapter uses, over the kit's PlatformHttpClient (which owns the budgets,
 * retries, Retry-After and the breaker). The bot token travels as a fixed Bearer header rather than a
 * TokenProvider: Slack reports a bad token as HTTP 200 `invalid_auth`, and a static token has nothing to refresh.
 */
export class SlackWebClient {
  private readonly http: PlatformHttpClient;
  private readonly clock: TimerClock;

  constructor(private readonly options: SlackWebClientOptions) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.http = new PlatformHttpClient({
      ...httpClientTuning(options, options),
      platform: 'slack',
      baseUrl: options.baseUrl,
      parseError: (outcome) => parseSlackError(outcome, this.clock.now()),
      defaultHeaders: { authorization: `Bearer ${options.botToken}` },
    });
  }

  /** auth.test: checks the token and says whose it is. */
  async authTest(): Promise<SlackAuthIdentity> {
    const body = await this.call<AuthTestResponse>('auth.test', SLACK_BUCKETS.auth, {}, true);
    return {
      teamId: typeof body.team_id === 'string' ? body.team_id : undefined,
      userId: typeof body.user_id === 'string' ? body.user_id : undefined,
    };
  }

  /** users.getPresence for another user: `active` or `away` (returned raw, for core's table to judge). */
  async getPresence(user: string): Promise<string> {
    const body = await this.call<UsersGetPresenceResponse>('users.getPresence', SLACK_BUCKETS.presence, { user });
    if (typeof body.presence !== 'string') throw protocol('users.getPresence answered without presence');
    return body.presence;
  }

  /** dnd.teamInfo for up to 50 users: each user's DND flag and next window. */
  async dndTeamInfo(users: readonly string[]): Promise<Map<string, SlackDndWindow>> {
    const query: Record<string, string> = { users: users.join(',') };
    if (this.options.teamId) query.team_id = this.options.teamId;
    const body = await this.call<DndTeamInfoResponse>('dnd.teamInfo', SLACK_BUCKETS.dnd, query);
    const entries = typeof body.users === 'object' && body.users !== null ? body.users : {};
    const windows = new Map<string, SlackDndWindow>();
    for (const [id, dnd] of Object.entries(entries)) {
      if (typeof dnd !== 'object' || dnd === null) continue;
      windows.set(id, {
        dnd_enabled: dnd.dnd_enabled === true,
        next_dnd_start_ts: typeof dnd.next_dnd_start_ts === 'number' ? dnd.next_dnd_start_ts : undefined,
        next_dnd_end_ts: typeof dnd.next_dnd_end_ts === 'number' ? dnd.next_dnd_end_ts : undefined,
      });
    }
    return windows;
  }

  /** users.profile.get: only the custom-status fields are kept. */
  async profileStatus(user: string): Promise<SlackStatusFields> {
    const body = await this.call<UsersProfileGetResponse>('users.profile.get', SLACK_BUCKETS.profile, { user });
    const profile = typeof body.profile === 'object' && body.profile !== null ? body.profile : undefined;
    if (!profile) throw protocol('users.profile.get answered without a profile');
    return {
      status_text: typeof profile.status_text === 'string' ? profile.status_text : '',
      status_emoji: typeof profile.status_emoji === 'string' ? profile.status_emoji : '',
      status_expiration: typeof profile.status_expiration === 'number' ? profile.status_expiration : 0,
    };
  }

  health(): AdapterHealth {
    return this.http.health();
  }

  close(): void {
    this.http.close();
  }

  /**
   * One GET; the body is typed as Slack publishes it, but every field is still checked before use, because a
   * published type is what Slack promises, not what a proxy or an outage may send.
   */
  /**
   * The sweep's reads never wait for budget (`budgetWait: false`): a method without room now is skipped this
   * step by the planner, so it cannot hold up another method's reads. Only auth.test, at connect, waits.
   */
  private async call<T extends object>(method: string, bucket: string, query: Record<string, string>, budgetWait = false): Promise<Partial<T>> {
    const response = await this.http.request<unknown>({ method: 'GET', path: method, query, bucket, budgetWait });
    if (typeof response.body !== 'object' || response.body === null) throw protocol(`${method} answered without a JSON body`);
    return response.body as Partial<T>;
  }
}
