import type { PlatformWiring } from './platform-wiring';
import { zoomPlatform } from './zoom.platform';

/**
 * The platforms this build of the service can connect, one file each. A platform whose adapter library is
 * not wired here answers UNSUPPORTED when asked to connect.
 */
export const PLATFORM_WIRINGS: readonly PlatformWiring[] = [zoomPlatform];
