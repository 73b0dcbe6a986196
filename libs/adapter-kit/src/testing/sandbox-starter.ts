import type { Clock, EndpointValues, PlatformPresence, PresenceAdapter } from '@amo/presence-core';
import type { TimerClock } from '../http/timers';
import type { RateBudgetRegistry } from '../http/rate-budget';
import type { EmulatorServer } from './emulator-server';
import type { EmulatorReply } from './emulator-types';

/** One account a platform's emulator holds for a sample person, with the native value it starts at (none: never seen). */
export interface SandboxAccount {
  userId: string;
  accountId: string;
  native?: string;
}

/** What the sandbox hands a platform's starter. */
export interface SandboxStartContext {
  clock: Clock;
  accounts: readonly SandboxAccount[];
  /** Where this platform's webhooks go (`<receiver>/v1/webhooks/<platform>`); undefined: nowhere. */
  webhookUrl: string | undefined;
  /**
   * The receiver is a service that holds push subscriptions (presence-api): a platform whose push needs a
   * signed-in user's grant (Teams) adds one to its credentials.
   */
  servicePush: boolean;
}

/** A webhook request as the sandbox's own receiver got it: the raw body, for signatures. */
export interface SandboxWebhookRequest {
  method: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  query: Readonly<Record<string, string>>;
  rawBody: Buffer;
}

/** A verified delivery's answer and the records it carried. */
export interface SandboxWebhookAnswer {
  status: number;
  body: unknown;
  contentType?: string;
  records: PlatformPresence[];
}

/** Options for the real adapter a sandbox builds; every field has the adapter's default. */
export interface SandboxAdapterDeps {
  clock?: TimerClock;
  fetch?: typeof fetch;
  /** One registry for all adapters, as the service shares one. */
  budgets?: RateBudgetRegistry;
  random?: () => number;
  /** The interval the caller polls at (Slack sizes its sweep step from it). */
  pollIntervalMs?: number;
  /** WhatsApp and LinkedIn recency window; keep it equal to the aggregator's. */
  recencyWindowMs?: number;
  maxRetries?: number;
  breaker?: { failureThreshold?: number; cooldownMs?: number };
  backoff?: { baseMs?: number; maxMs?: number };
  /** Gateway reconnect backoff (Discord). */
  reconnect?: { baseMs?: number; maxMs?: number };
}

/**
 * A platform's emulator, running for the sandbox: what reaches it (endpoints by its descriptor's keys,
 * seed-style credentials), scripting in the platform's native values, an outage switch, and its real adapter.
 */
export interface RunningPlatformSandbox {
  endpoints: EndpointValues;
  credentials: Record<string, string>;
  /**
   * Sets one account's native value. Where the platform pushes, the emulator delivers it; the answer's HTTP
   * status comes back (undefined when nothing was delivered, 0 when the receiver could not be reached).
   */
  apply(accountId: string, native: string): Promise<number | undefined>;
  /** On: the platform fails (its 5xx, dropped connections, no deliveries) until called with false. */
  outage(on: boolean): void;
  /** Verifies a delivery with the adapter library's pure handler (the sandbox's own receiver, `deliver` mode). */
  receive?(request: SandboxWebhookRequest): SandboxWebhookAnswer;
  /** The real adapter, built with the library's factory and pointed at the emulator. */
  createAdapter(deps: SandboxAdapterDeps): PresenceAdapter;
  close(): Promise<void>;
}

/**
 * How the sandbox runs one platform (exported by each adapter's `/testing` entry, paired with the library's
 * descriptor in the platform registry): sample data as the platform spells it, and a starter for its emulator.
 */
export interface PlatformSandboxStarter {
  /** The native values random changes pick from. */
  natives: readonly string[];
  /** The account id of sample person number `index` (from 0), in the platform's id format. */
  accountId(index: number, userId: string): string;
  /** Starting native values of named sample people (alice, bob, ...); null: an account never seen. */
  samplePeople?: Readonly<Record<string, string | null>>;
  start(context: SandboxStartContext): Promise<RunningPlatformSandbox>;
}

/**
 * How many requests and deliveries a sandbox emulator keeps in its logs: sandbox mode runs for days, and an
 * emulator's log of every request would grow with it (found by the soak, tools/soak).
 */
export const SANDBOX_LOG_LIMIT = 100;

/** A delivery's HTTP status, or 0 when the receiver could not be reached: deliveries never throw. */
export async function statusOf(delivery: Promise<{ status: number } | undefined>): Promise<number | undefined> {
  try {
    return (await delivery)?.status;
  } catch {
    return 0;
  }
}

/** Every HTTP call to the emulator answers `reply` until the outage ends (then the scripted faults are cleared). */
export function httpOutage(server: EmulatorServer, on: boolean, reply: EmulatorReply): void {
  server.faults.clear();
  if (on) server.faults.failNext(Number.POSITIVE_INFINITY, reply);
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `last seen 30m ago` (s, m, h or d) -> how long ago, for the recency platforms; undefined for any other value. */
export function lastSeenAgoMs(native: string): number | undefined {
  const match = /^last seen (\d+)\s*([smhd])\w* ago$/i.exec(native.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2].toLowerCase()] : undefined;
}
