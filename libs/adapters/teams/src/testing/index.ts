export * from './teams.emulator';
export * from './graph-directory';
export type { GraphEmulatorTenant, DelegatedTokenSet } from './graph-tokens';
export type { EmulatedSubscription, DeliveryRecord } from './graph-subscriptions';
export { encryptForCertificate } from './graph-crypto';
export * from './graph-test-certificate';
export * from './teams-webhook-receiver';
export * from './graph-authorize';
export * from './teams.sandbox';
