import { discordPlatform } from '@amo/presence-adapter-discord';
import type { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { linkedinPlatform } from '@amo/presence-adapter-linkedin';
import { slackPlatform } from '@amo/presence-adapter-slack';
import { teamsPlatform } from '@amo/presence-adapter-teams';
import { whatsappPlatform } from '@amo/presence-adapter-whatsapp';
import { zoomPlatform } from '@amo/presence-adapter-zoom';
import type { PlatformDescriptor } from '@amo/presence-core';

/** A platform as the service runs it: its descriptor, with adapters sharing the kit's rate-budget registry. */
export type ServicePlatform = PlatformDescriptor<RateBudgetRegistry>;

/** The platforms a build of the service can connect. */
export type PlatformRegistry = readonly ServicePlatform[];

/**
 * The one list the service derives every platform-specific piece from: configuration (schema and loader),
 * endpoints, OAuth clients, webhook routes, adapters, `/v1/platforms` and `/health`. A platform whose
 * adapter library is not listed here answers UNSUPPORTED when asked to connect.
 */
export const PLATFORM_REGISTRY: PlatformRegistry = [discordPlatform, slackPlatform, teamsPlatform, zoomPlatform, whatsappPlatform, linkedinPlatform];
