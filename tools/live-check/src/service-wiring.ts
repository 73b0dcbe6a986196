// The live check must read the environment and build adapters exactly as the service does, so it takes the
// service's own configuration (plain zod, no Nest) and platform wirings rather than a copy of them. They live in
// the presence-api app, which Nx forbids importing; this file is the one, deliberate exception, until they move
// to a library.
/* eslint-disable @nx/enforce-module-boundaries */
export type { AppConfig, BaseUrls } from '@amo/presence-api/src/config/app-config';
export { ConfigError, loadConfig } from '@amo/presence-api/src/config/config.loader';
export { ENV_NAMES } from '@amo/presence-api/src/config/config.schema';
export { PLATFORM_ENV } from '@amo/presence-api/src/config/platform-env';
export { PLATFORM_WIRINGS } from '@amo/presence-api/src/platforms/platform-registry';
export type { PlatformWiring } from '@amo/presence-api/src/platforms/platform-wiring';
/* eslint-enable @nx/enforce-module-boundaries */
