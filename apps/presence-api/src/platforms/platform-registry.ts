import type { PlatformWiring } from './platform-wiring';

/**
 * The platforms this build of the service can connect. Each entry comes from its own file; a platform
 * whose adapter library is not in the workspace yet is simply absent (connecting it answers UNSUPPORTED).
 */
export const PLATFORM_WIRINGS: readonly PlatformWiring[] = [];
