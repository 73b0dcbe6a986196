import type { GatewayPresenceUpdateDispatchData } from 'discord-api-types/v10';
import { shardOf } from '../gateway/gateway.protocol';

export { shardOf };

/** A presence status a member can have in the emulator (what PRESENCE_UPDATE carries). */
export type EmulatedStatus = 'online' | 'idle' | 'dnd' | 'offline' | (string & {});

export interface EmulatedActivity {
  name: string;
  type: number;
  state?: string;
  emoji?: { name: string } | null;
  created_at?: number;
  [key: string]: unknown;
}

export type EmulatedClientStatus = Partial<Record<'desktop' | 'mobile' | 'web' | 'vr', string>>;

export interface EmulatedPresence {
  status: EmulatedStatus;
  activities: EmulatedActivity[];
  client_status: EmulatedClientStatus;
}

/** A member to add in bulk: an id (offline) or an id with a presence. */
export type MemberSeed =
  | string
  | { id: string; status?: EmulatedStatus; activities?: EmulatedActivity[]; clientStatus?: EmulatedClientStatus };

export interface EmulatedGuild {
  id: string;
  name: string;
  members: Map<string, EmulatedPresence>;
}

const OFFLINE: EmulatedPresence = Object.freeze({ status: 'offline', activities: [], client_status: {} }) as EmulatedPresence;

/** The emulator's guilds, members and presences: the state GUILD_CREATE and op 8 answer from. */
export class EmulatorWorld {
  readonly guilds = new Map<string, EmulatedGuild>();

  addGuild(id: string, name = `guild ${id}`): EmulatedGuild {
    let guild = this.guilds.get(id);
    if (!guild) {
      guild = { id, name, members: new Map() };
      this.guilds.set(id, guild);
    }
    return guild;
  }

  addMembers(guildId: string, seeds: Iterable<MemberSeed>): void {
    const guild = this.addGuild(guildId);
    for (const seed of seeds) {
      if (typeof seed === 'string') guild.members.set(seed, OFFLINE);
      else guild.members.set(seed.id, presenceOf(seed.status ?? 'offline', seed.activities, seed.clientStatus));
    }
  }

  setPresence(guildId: string, userId: string, presence: EmulatedPresence): void {
    this.addGuild(guildId).members.set(userId, presence);
  }

  /** Guild ids the user is a member of. */
  guildsOf(userId: string): string[] {
    return [...this.guilds.values()].filter((g) => g.members.has(userId)).map((g) => g.id);
  }

  /** GUILD_CREATE as Discord sends it: large guilds list only non-offline members and presences. */
  guildCreate(guild: EmulatedGuild, largeThreshold: number, withPresences: boolean, botId: string): object {
    const large = guild.members.size > largeThreshold;
    const members: object[] = [member(botId)];
    const presences: object[] = [];
    if (withPresences) {
      for (const [id, presence] of guild.members) {
        const offline = presence.status === 'offline';
        if (!large || !offline) members.push(member(id));
        if (!offline) presences.push(presenceJson(id, presence));
      }
    }
    return {
      id: guild.id,
      name: guild.name,
      unavailable: false,
      large,
      member_count: guild.members.size + 1,
      members,
      presences,
      channels: [],
      roles: [],
      joined_at: '2024-01-01T00:00:00.000000+00:00',
    };
  }
}

export function presenceOf(
  status: EmulatedStatus,
  activities: EmulatedActivity[] = [],
  clientStatus?: EmulatedClientStatus,
): EmulatedPresence {
  const client_status = clientStatus ?? (status === 'offline' ? {} : { desktop: status });
  return { status, activities, client_status };
}

export function member(id: string): object {
  return { user: { id, username: `user${id}` }, roles: [], joined_at: '2024-01-01T00:00:00.000000+00:00' };
}

/**
 * A presence as Discord sends it: discord-api-types' shape, except that the status and activities may be
 * anything a test scripts (a status Discord may add later, a partial activity).
 */
export type PresenceJson = Omit<GatewayPresenceUpdateDispatchData, 'status' | 'activities' | 'guild_id' | 'client_status'> & {
  status: EmulatedStatus;
  activities: EmulatedActivity[];
  client_status: EmulatedClientStatus;
  guild_id?: string;
};

export function presenceJson(id: string, presence: EmulatedPresence, guildId?: string): PresenceJson {
  const json: PresenceJson = {
    user: { id },
    status: presence.status,
    activities: presence.activities,
    client_status: presence.client_status,
  };
  if (guildId !== undefined) json.guild_id = guildId;
  return json;
}

