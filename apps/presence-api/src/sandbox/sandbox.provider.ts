import type { Provider } from '@nestjs/common';
import { SANDBOX_STARTER, type SandboxStarter } from './sandbox-environment';

/**
 * The sandbox starter. `@amo/presence-sandbox` is not in the workspace yet; when it lands, this returns a
 * starter built on it, and nothing else in the service changes. Until then sandbox mode starts with no
 * platforms and says so.
 */
export const sandboxProvider: Provider<SandboxStarter | undefined> = {
  provide: SANDBOX_STARTER,
  useValue: undefined,
};
