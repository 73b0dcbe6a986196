// The live check must read the environment and build adapters exactly as the service does, so it takes the
// service's own configuration (plain zod, no Nest) and platform registry rather than a copy of them. The loader
// lives in the presence-api app, which Nx forbids importing; this file is the one, deliberate exception.
/* eslint-disable @nx/enforce-module-boundaries */
export type { AppConfig } from '@amo/presence-api/src/config/app-config';
export { ConfigError, loadConfig } from '@amo/presence-api/src/config/config.loader';
export { ENV_NAMES } from '@amo/presence-api/src/config/config.schema';
import { PLATFORM_REGISTRY } from '@amo/presence-api/src/platforms/platform-registry';
/* eslint-enable @nx/enforce-module-boundaries */
import type { Platform } from '@amo/presence-core';

export { PLATFORM_REGISTRY };
// eslint-disable-next-line @nx/enforce-module-boundaries
export type { ServicePlatform } from '@amo/presence-api/src/platforms/platform-registry';

/** A platform's connection variables as `[variable, credential key]` pairs, from its descriptor. */
export interface PlatformEnv {
  required: [string, string][];
  optional: [string, string][];
}

/**
 * What the service reads to connect each platform at start (fields marked `ignored` connect nothing). The
 * service's registry holds every platform, so every key is present.
 */
export const PLATFORM_ENV = Object.fromEntries(
  PLATFORM_REGISTRY.map((descriptor) => {
    const fields = descriptor.credentials.filter((field) => field.env !== undefined && field.startup !== 'ignored');
    const pairs = (required: boolean): [string, string][] => fields.filter((field) => field.required === required).map((field) => [field.env as string, field.key]);
    return [descriptor.platform, { required: pairs(true), optional: pairs(false) }];
  }),
) as Readonly<Record<Platform, PlatformEnv>>;
