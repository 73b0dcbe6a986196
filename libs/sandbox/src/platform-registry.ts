import { discordPlatform } from '@amo/presence-adapter-discord';
import { discordSandbox } from '@amo/presence-adapter-discord/testing';
import type { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import type { PlatformSandboxStarter } from '@amo/presence-adapter-kit/testing';
import { linkedinPlatform } from '@amo/presence-adapter-linkedin';
import { linkedinSandbox } from '@amo/presence-adapter-linkedin/testing';
import { slackPlatform } from '@amo/presence-adapter-slack';
import { slackSandbox } from '@amo/presence-adapter-slack/testing';
import { teamsPlatform } from '@amo/presence-adapter-teams';
import { teamsSandbox } from '@amo/presence-adapter-teams/testing';
import { whatsappPlatform } from '@amo/presence-adapter-whatsapp';
import { whatsappSandbox } from '@amo/presence-adapter-whatsapp/testing';
import { zoomPlatform } from '@amo/presence-adapter-zoom';
import { zoomSandbox } from '@amo/presence-adapter-zoom/testing';
import type { PlatformDescriptor } from '@amo/presence-core';

/**
 * A platform as a build includes it: the adapter library's descriptor (adapters share the kit's rate-budget
 * registry), paired with the sandbox starter from the library's `/testing` entry (none: no sandbox for it).
 */
export interface RegisteredPlatform extends PlatformDescriptor<RateBudgetRegistry> {
  sandbox?: PlatformSandboxStarter;
}

/** A list of platforms, each at most once. */
export type PlatformRegistry = readonly RegisteredPlatform[];

/**
 * Every platform this build includes. presence-api reads this list (its
 * configuration, webhook routes, OAuth, `/v1/platforms`, sandbox mode), and so do the demo and the sandbox by
 * default. It lives here because the sandbox is the one library that may import the adapters' `/testing`
 * entries. A new platform is one line.
 */
export const PLATFORM_REGISTRY: PlatformRegistry = [
  { ...discordPlatform, sandbox: discordSandbox },
  { ...slackPlatform, sandbox: slackSandbox },
  { ...teamsPlatform, sandbox: teamsSandbox },
  { ...zoomPlatform, sandbox: zoomSandbox },
  { ...whatsappPlatform, sandbox: whatsappSandbox },
  { ...linkedinPlatform, sandbox: linkedinSandbox },
];
