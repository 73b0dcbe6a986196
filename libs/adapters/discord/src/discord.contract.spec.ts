import { runAdapterContract } from '@amo/presence-adapter-kit/testing';
import { createDiscordAdapter } from './discord.adapter';
import { GUILD_A, until } from './discord.spec-helper';
import { DiscordGatewayEmulator } from './testing';

const KNOWN = ['400000000000000001', '400000000000000002', '400000000000000003'];

runAdapterContract({
  platform: 'discord',
  async setup(tuning) {
    const emulator = await DiscordGatewayEmulator.start();
    emulator.addMembers(GUILD_A, [
      { id: KNOWN[0] as string, status: 'online' },
      { id: KNOWN[1] as string, status: 'dnd', activities: [{ type: 0, name: 'Chess' }] },
      KNOWN[2] as string,
    ]);
    const adapter = createDiscordAdapter(
      {
        credentials: { bot_token: emulator.token, guild_id: GUILD_A },
        apiBaseUrl: emulator.apiBaseUrl,
        timeoutMs: tuning.timeoutMs,
        maxRetries: tuning.maxRetries,
        backoff: tuning.backoff,
        breaker: tuning.breaker,
      },
      { budgets: tuning.budgets },
    );
    return {
      adapter,
      emulator: emulator.server,
      knownIds: KNOWN,
      unknownIds: ['400000000000000999'],
      async setStatus(accountId, native) {
        const before = adapter.stats()['presencesNormalized'] ?? 0;
        emulator.setPresence(GUILD_A, accountId, String(native));
        // A live gateway delivers the change asynchronously; before connecting, GUILD_CREATE will carry it.
        if (adapter.health().connection === 'up') {
          await until(() => (adapter.stats()['presencesNormalized'] ?? 0) > before, 'PRESENCE_UPDATE');
        }
      },
      errorReplies: {
        unauthorized: { status: 401, json: { message: '401: Unauthorized', code: 0 } },
        forbidden: { status: 403, json: { message: 'Missing Access', code: 50001 } },
        serverError: { status: 502, json: { message: 'Bad Gateway', code: 0 } },
      },
      close: () => emulator.close(),
    };
  },
  statuses: [
    { native: 'online', expected: 'online' },
    { native: 'idle', expected: 'idle' },
    { native: 'dnd', expected: 'busy' },
    { native: 'offline', expected: 'offline' },
    { native: 'invisible', expected: 'offline', label: 'invisible (a client setting others see as offline)' },
  ],
  unrecognizedNative: 'streaming',
  skip: {
    budget:
      'fetchPresence reads gateway state, never REST; the gateway send budget is checked by ' +
      'discord.initial-state.spec.ts (op 8 pacing under 120/60 s)',
  },
});
