import { randomBytes } from 'node:crypto';
import { httpOutage, type PlatformSandboxStarter, SANDBOX_LOG_LIMIT } from '@amo/presence-adapter-kit/testing';
import { createDiscordAdapter } from '../discord.adapter';
import { DiscordGatewayEmulator } from './discord.emulator';

/** The sandbox's one guild (a snowflake, as the bot's `guild_id` credential needs). */
export const SANDBOX_GUILD_ID = '613425648685547541';

const ACTIVITY: Readonly<Record<string, { name: string; type: number } | undefined>> = {
  online: { name: 'Visual Studio Code', type: 0 },
  dnd: { name: 'Focus session', type: 0 },
};

/**
 * Discord in the sandbox: a Gateway v10 emulator with one guild whose members are the sample people. A change
 * is a PRESENCE_UPDATE dispatched to every open session at once; an outage drops the gateway and refuses to
 * reconnect.
 */
export const discordSandbox: PlatformSandboxStarter = {
  natives: ['online', 'idle', 'dnd', 'offline'],
  accountId: (index) => String(80351110224678912n + BigInt(index + 1)), // a snowflake
  samplePeople: { alice: 'online', bob: 'idle', carol: 'dnd', erin: 'offline', frank: 'online' },
  async start(ctx) {
    // A resume replays from a bounded buffer, as Discord's does: 1,000 dispatches, not the emulator's default 100,000
    // kept for the whole life of a sandbox that runs for days.
    const emulator = await DiscordGatewayEmulator.start({ clock: ctx.clock, token: `sandbox.${randomBytes(12).toString('hex')}`, replayCapacity: 1_000 });
    emulator.limitLogs(SANDBOX_LOG_LIMIT);
    emulator.addGuild(SANDBOX_GUILD_ID, 'Sandbox');
    emulator.addMembers(
      SANDBOX_GUILD_ID,
      ctx.accounts.map(({ accountId, native }) => {
        const status = native ?? 'offline';
        const activity = ACTIVITY[status];
        return { id: accountId, status, activities: activity ? [activity] : [] };
      }),
    );
    const credentials = { bot_token: emulator.token, guild_id: SANDBOX_GUILD_ID };
    return {
      endpoints: { discordApi: emulator.apiBaseUrl },
      credentials,
      async apply(accountId, native) {
        const activity = ACTIVITY[native];
        // A member the guild does not know yet joins it; sessions replay what they missed when they resume.
        if (emulator.world.guildsOf(accountId).length === 0) emulator.addMembers(SANDBOX_GUILD_ID, [accountId]);
        emulator.setUserPresence(accountId, native, activity ? [activity] : []);
        return undefined;
      },
      outage(on) {
        emulator.refuseNextConnections(on ? Number.MAX_SAFE_INTEGER : 0);
        httpOutage(emulator.server, on, { status: 502, json: { message: '502: Bad Gateway', code: 0 } });
        if (on) emulator.dropConnections();
      },
      createAdapter: (deps) =>
        createDiscordAdapter(
          { credentials, apiBaseUrl: emulator.apiBaseUrl, maxRetries: deps.maxRetries, breaker: deps.breaker, backoff: deps.backoff, reconnect: deps.reconnect },
          { clock: deps.clock, fetch: deps.fetch, budgets: deps.budgets, random: deps.random },
        ),
      close: () => emulator.close(),
    };
  },
};
