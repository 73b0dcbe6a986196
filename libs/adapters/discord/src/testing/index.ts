export * from './discord.emulator';
export type { ClientFrame, EmulatorCounters } from './emulator-context';
export type { EmulatedSession } from './emulator-session';
export {
  type EmulatedActivity,
  type EmulatedClientStatus,
  type EmulatedPresence,
  type EmulatedStatus,
  type MemberSeed,
  shardOf,
} from './emulator-world';
export { DiscordOAuthApp } from './emulator-oauth';
export * from './discord.sandbox';
