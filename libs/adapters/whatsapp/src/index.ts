export * from './whatsapp.manifest';
export * from './whatsapp.credentials';
export * from './whatsapp.errors';
export * from './whatsapp.signals';
export * from './whatsapp.webhook';
export * from './whatsapp.client';
export * from './whatsapp.adapter';
export * from './whatsapp.platform';
