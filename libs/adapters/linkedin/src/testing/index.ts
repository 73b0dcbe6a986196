export * from './linkedin.emulator';
export * from './linkedin.webhook-sender';
export * from './linkedin.payloads';
export * from './linkedin.sandbox';
