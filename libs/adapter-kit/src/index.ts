export * from './http/http-outcome';
export * from './http/timers';
export * from './http/rate-budget';
export * from './oauth/pkce';
export * from './webhooks/signatures';
