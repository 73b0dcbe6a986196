export * from './zoom.emulator';
export * from './zoom.webhook-sender';
export * from './zoom.emulator-oauth';
export * from './zoom.sandbox';
