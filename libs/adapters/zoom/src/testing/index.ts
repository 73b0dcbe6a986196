export * from './zoom.emulator';
export * from './zoom.webhook-sender';
