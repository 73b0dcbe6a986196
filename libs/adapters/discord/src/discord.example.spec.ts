// The README's example, kept runnable (relative imports here; the README imports the package names). The README
// logs what this file asserts, and waits 100 ms for the push where this file waits for it to arrive.
import type { PlatformPresence } from '@amo/presence-core';
import { until } from './discord.spec-helper';
import { createDiscordAdapter } from './index';
import { DiscordGatewayEmulator } from './testing';

it('README example: initial state, a fetch with an unknown id, a pushed change, a resumable close', async () => {
  const discord = await DiscordGatewayEmulator.start();
  const guild = '1100000000000000001';
  discord.addMembers(guild, [
    { id: '300000000000000001', status: 'dnd', activities: [{ type: 0, name: 'Chess' }], clientStatus: { desktop: 'dnd' } },
    '300000000000000002', // a member who is offline
  ]);

  let saved: unknown;
  const adapter = createDiscordAdapter({
    credentials: { bot_token: discord.token, guild_id: guild }, // the seed's keys; `token` works too
    apiBaseUrl: discord.apiBaseUrl, // default https://discord.com/api
    trackedIds: ['300000000000000001', '300000000000000002'],
    onSession: (session) => (saved = session), // persist it to resume after a restart
  });
  const pushed: PlatformPresence[] = [];
  const states: string[] = [];
  await adapter.startPush({
    presence: (r) => pushed.push(r),
    connection: (state) => states.push(state),
  });
  const { records, notFound } = await adapter.fetchPresence(['300000000000000001', '300000000000000404']);
  expect(records[0]?.status).toBe('busy');
  expect(records[0]?.devices).toEqual({ desktop: 'busy' });
  expect(notFound).toEqual(['300000000000000404']);

  discord.setPresence(guild, '300000000000000002', 'online', [{ type: 4, name: 'Custom Status', state: 'back soon' }]);
  await until(() => pushed.some((r) => r.accountId === '300000000000000002' && r.status === 'online'), 'the pushed change');
  expect(pushed.find((r) => r.accountId === '300000000000000002' && r.status === 'online')?.customMessage).toBe('back soon');
  expect(states).toContain('up');

  await adapter.close(); // closes resumably and hands the session to onSession
  expect(saved).not.toBeNull();
  expect(saved).toBeDefined();
  await discord.close();
});
