export * from './slack.emulator';
export type { SlackDeliveryOptions, SlackDeliveryResult, SlackEmulatorUser } from './slack.emulator-events';
