export { type BackoffOptions, fullJitterDelayMs } from './backoff';
export { Emitter } from './emitter';
export { PresenceApiError, type PresenceApiErrorInit, retryAfterMs } from './errors';
export { PresenceClient, type PresenceClientOptions } from './http-client';
export { type ClientOperationId, ROUTES } from './routes';
export type { SocketEvents, WebSocketConstructor, WebSocketLike } from './socket';
export { PresenceStream, type PresenceStreamEvents, type PresenceStreamOptions, SLOW_CONSUMER_CLOSE } from './stream';
export * from './stream-messages';
