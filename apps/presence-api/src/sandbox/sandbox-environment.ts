import type { Clock, EndpointValues, Platform } from '@amo/presence-core';

/**
 * What sandbox mode needs from `@amo/presence-sandbox`: emulators running on loopback, the base URLs and
 * credentials that reach them, and sample people linked to emulator accounts.
 */
export interface SandboxEnvironment {
  /** The emulators' endpoints by the keys the descriptors use (`discordApi`). */
  baseUrls: EndpointValues;
  credentials: Partial<Record<Platform, Record<string, string>>>;
  people: { userId: string; accounts: Partial<Record<Platform, string>> }[];
  close(): Promise<void>;
}

export interface SandboxStartOptions {
  /** Where emulators deliver webhooks (the service's own URL). */
  publicUrl: string;
  clock: Clock;
}

export type SandboxStarter = (options: SandboxStartOptions) => Promise<SandboxEnvironment>;

export const SANDBOX_STARTER = Symbol('SANDBOX_STARTER');
