/** One guild as this session has seen it. */
export interface GuildInfo {
  id: string;
  /** Large guilds list only non-offline members' presences: absent members must be asked about (op 8). */
  large: boolean;
  memberCount: number;
  /** Members the gateway confirmed (GUILD_CREATE members, chunk members). */
  members: Set<string>;
}

/**
 * The configured guilds and what the current session knows of them. Reset on every READY, since a new
 * session resends each guild as GUILD_CREATE.
 */
export class GuildDirectory {
  private readonly guilds = new Map<string, GuildInfo>();
  private awaiting = new Set<string>();
  /** Configured guilds READY did not list: the bot is not in them (on this shard). */
  missing: string[] = [];

  constructor(
    private readonly configured: ReadonlySet<string> | null,
    /** Whether a guild is routed to this session's shard. */
    private readonly onShard: (guildId: string) => boolean = () => true,
  ) {}

  accepts(guildId: unknown): guildId is string {
    return typeof guildId === 'string' && (this.configured === null || this.configured.has(guildId));
  }

  reset(readyGuildIds: readonly string[]): void {
    this.guilds.clear();
    const ready = new Set(readyGuildIds);
    this.awaiting = new Set(readyGuildIds.filter((id) => this.accepts(id)));
    this.missing = this.configured ? [...this.configured].filter((id) => !ready.has(id)) : [];
  }

  /**
   * Without GUILD_CREATE (a resumed session): treat each configured guild on this shard as large, membership
   * unknown.
   */
  assumeAll(): void {
    this.awaiting.clear();
    for (const id of this.configured ?? []) if (!this.guilds.has(id) && this.onShard(id)) this.created(id, true, 0);
  }

  created(id: string, large: boolean, memberCount: number): GuildInfo {
    const info: GuildInfo = { id, large, memberCount, members: this.guilds.get(id)?.members ?? new Set() };
    this.guilds.set(id, info);
    this.awaiting.delete(id);
    return info;
  }

  get(id: string): GuildInfo | undefined {
    return this.guilds.get(id);
  }

  addMember(guildId: string, userId: string): void {
    this.guilds.get(guildId)?.members.add(userId);
  }

  isMember(userId: string): boolean {
    for (const guild of this.guilds.values()) if (guild.members.has(userId)) return true;
    return false;
  }

  /** Every guild READY announced has arrived as GUILD_CREATE. */
  allCreated(): boolean {
    return this.awaiting.size === 0;
  }

  /** Large guilds, biggest first: asking the biggest first leaves the fewest ids for the others. */
  largeGuilds(): GuildInfo[] {
    return [...this.guilds.values()].filter((g) => g.large).sort((a, b) => b.memberCount - a.memberCount);
  }

  size(): number {
    return this.guilds.size;
  }
}
