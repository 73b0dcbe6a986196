export * from './whatsapp.emulator';
export * from './whatsapp.webhook-sender';
export * from './whatsapp.payloads';
export * from './whatsapp.sandbox';
