import { discordPlatform } from './discord.platform';
import { linkedinPlatform } from './linkedin.platform';
import type { PlatformWiring } from './platform-wiring';
import { slackPlatform } from './slack.platform';
import { teamsPlatform } from './teams.platform';
import { whatsappPlatform } from './whatsapp.platform';
import { zoomPlatform } from './zoom.platform';

/**
 * The platforms this build of the service can connect, one file each. A platform whose adapter library is
 * not wired here answers UNSUPPORTED when asked to connect.
 */
export const PLATFORM_WIRINGS: readonly PlatformWiring[] = [
  discordPlatform,
  slackPlatform,
  teamsPlatform,
  zoomPlatform,
  whatsappPlatform,
  linkedinPlatform,
];
