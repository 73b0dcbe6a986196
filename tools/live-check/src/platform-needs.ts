import { descriptorEnv, type Platform } from '@amo/presence-core';
import { PLATFORM_ENV, PLATFORM_REGISTRY } from './service-wiring';

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

const SECRET_VARIABLES: ReadonlyMap<string, boolean> = new Map(
  PLATFORM_REGISTRY.flatMap((descriptor) => descriptorEnv(descriptor).map((variable) => [variable.name, variable.secret] as const)),
);

/** The descriptors say which variables are secret; a name none lists counts as secret when it looks like one. */
export function isSecretVariable(name: string): boolean {
  return SECRET_VARIABLES.get(name) ?? /TOKEN|SECRET|KEY|PASSWORD/.test(name);
}

/** The variables behind a platform's connection, from the platform's descriptor (the service's registry). */
export function platformNeeds(platform: Platform): PlatformNeeds {
  const spec = PLATFORM_ENV[platform];
  const describe = ([name]: readonly [string, string]): NeededVariable => ({ name, secret: isSecretVariable(name) });
  return { platform, required: spec.required.map(describe), optional: spec.optional.map(describe) };
}

/** `NAME (secret)` for the help text: the name only, never a value. */
export function describeVariable(variable: NeededVariable): string {
  return variable.secret ? `${variable.name} (secret)` : variable.name;
}
