export * from './zoom.manifest';
export * from './zoom.credentials';
export * from './zoom.errors';
export * from './zoom.presence';
export * from './zoom.webhook';
export * from './zoom.client';
export * from './zoom.adapter';
export * from './zoom.platform';
