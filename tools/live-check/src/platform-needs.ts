import { discordManifest } from '@amo/presence-adapter-discord';
import { linkedinManifest } from '@amo/presence-adapter-linkedin';
import { slackManifest } from '@amo/presence-adapter-slack';
import { teamsManifest } from '@amo/presence-adapter-teams';
import { whatsappManifest } from '@amo/presence-adapter-whatsapp';
import { zoomManifest } from '@amo/presence-adapter-zoom';
import type { Platform } from '@amo/presence-core';
import { PLATFORM_ENV } from './service-wiring';

/** One environment variable a platform reads, and whether its value is a secret (never printed). */
export interface NeededVariable {
  name: string;
  secret: boolean;
}

/** What the service reads to connect a platform at start (the same names `npm start` uses). */
export interface PlatformNeeds {
  platform: Platform;
  required: NeededVariable[];
  optional: NeededVariable[];
}

interface ManifestField {
  secret: boolean;
  env?: string;
  aliases: readonly string[];
}

const MANIFEST_FIELDS: readonly ManifestField[] = [
  discordManifest,
  slackManifest,
  teamsManifest,
  zoomManifest,
  whatsappManifest,
  linkedinManifest,
].flatMap((manifest) => manifest.credentials as readonly ManifestField[]);

/** The manifests say which credentials are secret; a name no manifest lists counts as secret when it looks like one. */
export function isSecretVariable(name: string): boolean {
  const field = MANIFEST_FIELDS.find((candidate) => candidate.env === name || candidate.aliases.includes(name));
  return field ? field.secret : /TOKEN|SECRET|KEY|PASSWORD/.test(name);
}

/** The variables behind a platform's connection, from the service's own table (apps/presence-api platform-env.ts). */
export function platformNeeds(platform: Platform): PlatformNeeds {
  const spec = PLATFORM_ENV[platform];
  const describe = ([name]: readonly [string, string]): NeededVariable => ({ name, secret: isSecretVariable(name) });
  return { platform, required: spec.required.map(describe), optional: spec.optional.map(describe) };
}

/** `NAME (secret)` for the help text: the name only, never a value. */
export function describeVariable(variable: NeededVariable): string {
  return variable.secret ? `${variable.name} (secret)` : variable.name;
}
