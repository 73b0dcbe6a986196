import { GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';
import type { EmulatorContext } from './emulator-context';
import type { EmulatedSession } from './emulator-session';
import { type EmulatedPresence, member, presenceJson, shardOf } from './emulator-world';


/**
 * Request Guild Members (op 8) as Discord answers it: GUILD_MEMBERS_CHUNK dispatches of up to 1000 members with
 * `not_found`, presences and the nonce, or the RATE_LIMITED dispatch. Returns a close code for a bad request.
 */
export function answerMemberRequest(
  ctx: EmulatorContext,
  session: EmulatedSession,
  d: Record<string, unknown> | null,
): { code: number; reason: string } | undefined {
  const guildId = String(d?.['guild_id']);
  const guild = ctx.world.guilds.get(guildId);
  const userIds = d?.['user_ids'];
  const wantsPresences = d?.['presences'] === true;
  if (Array.isArray(userIds) && userIds.length > 100) return { code: GatewayCloseCodes.DecodeError, reason: 'Decode error' };
  if (wantsPresences && (session.intents & GatewayIntentBits.GuildPresences) === 0) return { code: GatewayCloseCodes.InvalidIntents, reason: 'Invalid intent(s).' };
  if (!guild || shardOf(guildId, session.shard[1]) !== session.shard[0]) return undefined;
  ctx.counters.memberRequests += 1;
  const nonce = typeof d?.['nonce'] === 'string' ? d['nonce'] : undefined;
  const query = typeof d?.['query'] === 'string' ? d['query'] : undefined;
  const retryAfter = ctx.memberRequestRetryAfter(guildId, !Array.isArray(userIds) && query === '');
  if (retryAfter > 0) {
    ctx.counters.memberRequestsRateLimited += 1;
    session.dispatch(GatewayDispatchEvents.RateLimited, { opcode: 8, retry_after: retryAfter, meta: { guild_id: guildId, nonce } });
    return undefined;
  }
  let found: string[];
  let notFound: string[] = [];
  if (Array.isArray(userIds)) {
    const ids = userIds.map(String);
    found = ids.filter((id) => guild.members.has(id));
    notFound = ids.filter((id) => !guild.members.has(id));
  } else {
    const limit = typeof d?.['limit'] === 'number' && d['limit'] > 0 ? d['limit'] : Number.POSITIVE_INFINITY;
    found = [...guild.members.keys()].filter((id) => `user${id}`.startsWith(query ?? '')).slice(0, limit);
  }
  const chunkCount = Math.max(1, Math.ceil(found.length / 1000));
  for (let index = 0; index < chunkCount; index += 1) {
    const ids = found.slice(index * 1000, (index + 1) * 1000);
    const chunk: Record<string, unknown> = {
      guild_id: guildId,
      members: ids.map(member),
      chunk_index: index,
      chunk_count: chunkCount,
    };
    if (index === 0 && notFound.length > 0) chunk['not_found'] = notFound;
    if (wantsPresences) {
      chunk['presences'] = ids
        .filter((id) => guild.members.get(id)?.status !== 'offline')
        .map((id) => presenceJson(id, guild.members.get(id) as EmulatedPresence));
    }
    if (nonce !== undefined) chunk['nonce'] = nonce;
    session.dispatch(GatewayDispatchEvents.GuildMembersChunk, chunk);
  }
  return undefined;
}
