export * from './discord.manifest';
export * from './discord.credentials';
export * from './discord.errors';
export * from './discord.client';
export * from './discord.presence';
export * from './discord.config';
export * from './discord.adapter';
export { PresenceTracker, type PresenceTrackerOptions } from './discord.tracker';
export { MEMBER_BATCH_SIZE } from './discord.member-resolver';
export {
  GATEWAY_CLOSE_RULES,
  PRESENCE_INTENTS,
  closeRule,
  shardOf,
  type CloseAction,
  type CloseRule,
  type DiscordSessionState,
} from './gateway/gateway.protocol';
export { type DiscordSessions, loadSessions } from './gateway/gateway.sessions';
export { DiscordShards } from './discord.shards';
export { GatewayMachine, type GatewayListener, type GatewayMachineOptions, type GatewayPhase, MAX_RESUME_FAILURES } from './gateway/gateway.machine';
export { WsTransport, type GatewayTransport, type TransportConnection, type TransportHandlers } from './gateway/gateway.transport';
export { IdentifyThrottle, type SessionStartLimit } from './gateway/identify-throttle';
export { GATEWAY_SEND_LIMIT } from './gateway/send-limiter';
export * from './discord.platform';
