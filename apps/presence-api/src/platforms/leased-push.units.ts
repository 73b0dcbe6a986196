import { contextRetryPolicy, type RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { createDiscordAdapter, DiscordRestClient, parseDiscordCredentials } from '@amo/presence-adapter-discord';
import type { AdapterContext, Platform, PresenceAdapter } from '@amo/presence-core';
import type { PushUnits } from './leased-push.adapter';
import type { ServicePlatform } from './platform-registry';

type Context = AdapterContext<RateBudgetRegistry>;

/**
 * Where each lease-owned push comes from. Discord: one unit per gateway shard (as many as GET /gateway/bot
 * recommends), each resumed from the session its last owner stored (`session` for a single shard, as the
 * embedded service stores it; `session.<id>` per shard otherwise). Graph: one unit, the subscription set, when
 * the connection can push at all (a delegated grant); the base adapter polls and answers handshakes everywhere.
 */
export const LEASED_PUSH: Partial<Record<Platform, (descriptor: ServicePlatform, credentials: Readonly<Record<string, unknown>>, context: Context, reload: () => Promise<void>) => PushUnits | PresenceAdapter>> = {
  discord: (_descriptor, credentials, context, reload) => ({
    async list() {
      const rest = new DiscordRestClient({
        botToken: parseDiscordCredentials(credentials).botToken,
        apiBaseUrl: context.endpoints.discordApi as string,
        ...contextRetryPolicy(context),
        fetch: context.fetch,
        budgets: context.budgets,
      });
      try {
        const { shards } = await rest.gatewayBot();
        return Array.from({ length: Math.max(1, shards) }, (_, id) => String(id));
      } finally {
        rest.close();
      }
    },
    async build(unit, units) {
      // The last owner saved the session as it ran: read it now, not as this instance found it at start.
      await reload();
      const id = Number(unit);
      const key = units.length === 1 ? 'session' : `session.${id}`;
      return createDiscordAdapter(
        {
          credentials,
          apiBaseUrl: context.endpoints.discordApi,
          ...contextRetryPolicy(context),
          ...(units.length > 1 ? { shard: { id, count: units.length } } : {}),
          session: context.state.get(key) ?? null,
          onSession: (session) => context.state.set(key, session),
        },
        { fetch: context.fetch, budgets: context.budgets },
      );
    },
  }),
  teams: (descriptor, credentials, context, reload) => {
    const base = descriptor.createAdapter(credentials, context);
    // App-only credentials cannot subscribe: nothing to own, every instance polls.
    if (!base.capabilities.push) return base;
    return {
      base,
      list: async () => ['subscriptions'],
      async build() {
        await reload();
        return descriptor.createAdapter(credentials, context);
      },
    };
  },
};
