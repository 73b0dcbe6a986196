import type { SandboxAdapterDeps } from '@amo/presence-adapter-kit/testing';
import type { Clock, EndpointValues, Platform, PlatformPresence, PresenceAdapter } from '@amo/presence-core';
import type { PlatformRegistry } from './platform-registry';

export type { SandboxAdapterDeps };

/** A sample person: an AMO user id and their account on each platform they use. */
export interface SandboxPerson {
  userId: string;
  accounts: Partial<Record<Platform, string>>;
}

/**
 * A person to create, with the native status each account starts with (`dnd` on Discord, `Busy/InAMeeting` on
 * Teams, `last seen 30m ago` on WhatsApp; see the README for every platform's values). A platform left out of
 * `statuses` starts at the platform's own default (and WhatsApp/LinkedIn with no signal at all).
 */
export interface SandboxPersonSeed extends SandboxPerson {
  statuses: Partial<Record<Platform, string>>;
}

/** Receives what a webhook delivery carried, after the adapter library's pure handler verified it. */
export type SandboxDeliver = (platform: Platform, records: PlatformPresence[]) => void;

export interface SandboxOptions {
  /**
   * The URL of a service that receives webhooks at `/v1/webhooks/<platform>` (presence-api). Emulators sign and
   * POST their deliveries there, as the real platforms would.
   */
  publicUrl?: string;
  /**
   * For a library user without an HTTP server: deliveries go to a loopback receiver inside the sandbox, which
   * verifies them with the adapter libraries' pure webhook handlers and hands the records here. Wins over
   * `publicUrl`.
   */
  deliver?: SandboxDeliver;
  /**
   * The platforms the sandbox can run: descriptors with their sandbox starters. Default: this build's
   * {@link PLATFORM_REGISTRY}. Everything per platform (emulators, endpoints, credentials, sample accounts and
   * values, webhook routes) comes from here.
   */
  registry?: PlatformRegistry;
  /** Time for the emulators (token expiry, budgets, event stamps). Default: the system clock. */
  clock?: Clock;
  /** How many sample people (default 6: alice, bob, carol, dave, erin, frank), or the exact people to create. */
  people?: number | readonly SandboxPersonSeed[];
  /** Which platforms to start (default every platform in the registry with a sandbox starter). */
  platforms?: readonly Platform[];
  /**
   * Random status changes every this many ms, started at once (what sandbox mode shows a newcomer). 0 starts
   * none; `startChanges()` can start them later. Default 5000.
   */
  changeEveryMs?: number;
  /** The random source for the roster beyond the six named people and for changes. Default: a fixed seed. */
  random?: () => number;
  /**
   * The receiver holds push subscriptions (presence-api): platforms whose push needs a signed-in user's grant add
   * one to their credentials (Teams: `delegated_access_token`, `delegated_refresh_token`, so the service holds
   * Graph subscriptions and Teams changes arrive by webhook). Default: true with `publicUrl`.
   */
  servicePush?: boolean;
}

/** What the service's sandbox mode needs (apps/presence-api `SandboxEnvironment`). */
export interface SandboxEnvironment {
  /** The emulators' endpoints by the keys their descriptors use (`discordApi`, `zoomOAuth`, ...). */
  baseUrls: EndpointValues;
  /** Seed-style credential records (`bot_token`, `guild_id`, ...) per platform, pointing at the emulators. */
  credentials: Partial<Record<Platform, Record<string, string>>>;
  people: SandboxPerson[];
  close(): Promise<void>;
}

/** A running sandbox: the service's environment plus scripting for demos and tests. */
export interface Sandbox extends SandboxEnvironment {
  /** The platforms whose emulators run. */
  readonly platforms: readonly Platform[];
  /**
   * Scripts a change on the person's account: the emulator takes the platform's native value and, where the
   * platform pushes (gateway or signed webhook), delivers it. Resolves once the delivery was answered.
   */
  setStatus(userId: string, platform: Platform, nativeValue: string): Promise<void>;
  /** The native value last scripted for a person's account (undefined for a WhatsApp/LinkedIn account never seen). */
  nativeStatus(userId: string, platform: Platform): string | undefined;
  /** The platform fails (5xx, dropped gateway, no deliveries) until called again with false. */
  outage(platform: Platform, on: boolean): void;
  isOut(platform: Platform): boolean;
  /** Random changes (seeded) every `everyMs` (default `changeEveryMs`, else 5000). */
  startChanges(everyMs?: number): void;
  stopChanges(): void;
  /** One random change now (what each tick of `startChanges` does); undefined when every platform is out. */
  changeOnce(): Promise<{ userId: string; platform: Platform; native: string } | undefined>;
  /** The real adapters, built with the adapter libraries' factories and pointed at the emulators. */
  createAdapters(deps?: SandboxAdapterDeps): Partial<Record<Platform, PresenceAdapter>>;
  /** Where webhooks are delivered for a platform, if anywhere. */
  webhookUrl(platform: Platform): string | undefined;
}
