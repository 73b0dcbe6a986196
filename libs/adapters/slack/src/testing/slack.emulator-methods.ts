import type { Clock } from '@amo/presence-core';
import type { EmulatorReply } from '@amo/presence-adapter-kit/testing';
import type { AuthTestResponse, DndTeamInfoResponse, UsersGetPresenceResponse, UsersProfileGetResponse } from '@slack/web-api';
import { dndOf, profileOf, type SlackEmulatorUser } from './slack.emulator-events';

/** What each method answers beside `ok: true`, in the response types @slack/web-api publishes (types only). */
interface SlackMethodResponses {
  'auth.test': AuthTestResponse;
  'users.getPresence': UsersGetPresenceResponse;
  'dnd.teamInfo': DndTeamInfoResponse;
  'users.profile.get': UsersProfileGetResponse;
}

/** The Web API methods the emulator serves. */
export type SlackEmulatorMethod = 'auth.test' | 'users.getPresence' | 'dnd.teamInfo' | 'users.profile.get';

/** One method: its arguments (query and form merged) in, the fields beside `ok: true` out. */
export type SlackMethodHandler = (args: Record<string, string>) => Record<string, unknown>;

/** A logical failure, answered as HTTP 200 `{ok: false, error}`. */
export class SlackApiError extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

export function slackError(error: string): EmulatorReply {
  return { status: 200, json: { ok: false, error } };
}

interface MethodContext {
  users: ReadonlyMap<string, SlackEmulatorUser>;
  teamId: string;
  botUserId: string;
  clock: Clock;
}

/** The four methods over the emulator's users, in the shapes docs.slack.dev shows. */
export function slackMethodHandlers(ctx: MethodContext): { [M in SlackEmulatorMethod]: SlackMethodHandler & ((args: Record<string, string>) => Omit<SlackMethodResponses[M], 'ok'>) } {
  const known = (id: string | undefined): SlackEmulatorUser => {
    const user = ctx.users.get(id ?? '');
    if (!user) throw new SlackApiError('user_not_found');
    return user;
  };
  return {
    'auth.test': () => ({
      url: 'https://emulator.slack.test/',
      team: 'Emulator',
      user: 'presence-bot',
      team_id: ctx.teamId,
      user_id: ctx.botUserId,
      bot_id: 'B0EMULATOR',
    }),
    // Only the token's own user gets the detail fields; everyone else is just active or away.
    'users.getPresence': (args) => {
      if (args.user === undefined || args.user === ctx.botUserId) {
        const lastActivity = Math.floor(ctx.clock.now() / 1000);
        return { presence: 'active', online: true, auto_away: false, manual_away: false, connection_count: 1, last_activity: lastActivity };
      }
      return { presence: known(args.user).presence };
    },
    'dnd.teamInfo': (args) => {
      const ids = (args.users ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
      if (ids.length === 0 || ids.length > 50) throw new SlackApiError('invalid_arguments');
      return { users: Object.fromEntries(ids.map((id) => [id, dndOf(known(id))])) };
    },
    'users.profile.get': (args) => ({ profile: profileOf(known(args.user)) }),
  };
}
