import { startSandbox } from '@amo/presence-sandbox';
import type { Provider } from '@nestjs/common';
import { SANDBOX_STARTER, type SandboxStarter } from './sandbox-environment';

/**
 * Sandbox mode's starter: `@amo/presence-sandbox` runs the six emulators on loopback with sample people and
 * random changes every few seconds, delivering webhooks to this service's public URL.
 */
export const startDefaultSandbox: SandboxStarter = (options) => startSandbox({ publicUrl: options.publicUrl, clock: options.clock });

export const sandboxProvider: Provider<SandboxStarter> = { provide: SANDBOX_STARTER, useValue: startDefaultSandbox };
