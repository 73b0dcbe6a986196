import { startSandbox } from '@amo/presence-sandbox';
import type { Provider } from '@nestjs/common';
import type { PlatformRegistry } from '../platforms/platform-registry';
import { PLATFORM_WIRING_LIST } from '../platforms/platform-wirings.service';
import { SANDBOX_STARTER, type SandboxStarter } from './sandbox-environment';

/**
 * Sandbox mode's starter for a registry: `@amo/presence-sandbox` runs the emulator of every registered platform
 * that has a sandbox starter, on loopback, with sample people and random changes every few seconds, delivering
 * webhooks to this service's public URL.
 */
export function sandboxStarterFor(registry: PlatformRegistry): SandboxStarter {
  return (options) => startSandbox({ registry, publicUrl: options.publicUrl, clock: options.clock });
}

/** The starter for the registry the service reads (the same list its configuration and adapters come from). */
export const sandboxProvider: Provider<SandboxStarter> = {
  provide: SANDBOX_STARTER,
  useFactory: (registry: PlatformRegistry) => sandboxStarterFor(registry),
  inject: [PLATFORM_WIRING_LIST],
};
