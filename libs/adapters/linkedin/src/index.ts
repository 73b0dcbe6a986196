export * from './linkedin.manifest';
export * from './linkedin.credentials';
export * from './linkedin.errors';
export * from './linkedin.signals';
export * from './linkedin.webhook';
export * from './linkedin.oauth';
export * from './linkedin.client';
export * from './linkedin.adapter';
