export * from './sandbox.types';
export { startSandbox } from './start-sandbox';
export { samplePeople, sandboxAccountId } from './sandbox-people';
export { SANDBOX_NATIVES, lastSeenAgoMs } from './sandbox-natives';
export { seededRandom } from './seeded-random';
export { SANDBOX_GUILD_ID } from './platforms/discord.sandbox';
export { parseTeamsNative } from './platforms/teams.sandbox';
