export * from './slack.emulator';
export type { SlackDeliveryOptions, SlackDeliveryResult, SlackEmulatorPresence, SlackEmulatorUser } from './slack.emulator-events';
export * from './slack.emulator-oauth';
export * from './slack.sandbox';
