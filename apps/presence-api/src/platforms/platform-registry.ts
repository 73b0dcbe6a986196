import { PLATFORM_REGISTRY, type PlatformRegistry, type RegisteredPlatform } from '@amo/presence-sandbox';

/**
 * A platform as the service runs it: its descriptor (adapters share the kit's rate-budget registry), with the
 * sandbox starter sandbox mode runs it with.
 */
export type ServicePlatform = RegisteredPlatform;

export type { PlatformRegistry };

/**
 * The one list the service derives every platform-specific piece from: configuration (schema and loader),
 * endpoints, OAuth clients, webhook routes, adapters, `/v1/platforms`, `/health` and sandbox mode. It is
 * `@amo/presence-sandbox`'s registry, the one library allowed to pair each adapter library's descriptor with the
 * sandbox starter from its `/testing` entry; the demo reads it too. A platform not listed there answers
 * UNSUPPORTED when asked to connect.
 */
export { PLATFORM_REGISTRY };
