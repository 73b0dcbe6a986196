import type { EmulatorReply, EmulatorServer } from '@amo/presence-adapter-kit/testing';
import type { Clock, Platform, PlatformPresence, PresenceAdapter } from '@amo/presence-core';
import type { SandboxAdapterDeps, SandboxBaseUrls, SandboxPersonSeed } from '../sandbox.types';

/** One account an emulator holds, with the native value it starts at (none: a recency account never seen). */
export interface SandboxAccount {
  userId: string;
  accountId: string;
  native?: string;
}

export interface PlatformSandboxContext {
  clock: Clock;
  accounts: SandboxAccount[];
  /** Where this platform's webhooks go; undefined: nowhere (changes are then only seen by polling). */
  webhookUrl: string | undefined;
  teamsPush: boolean;
}

/** A webhook request as the sandbox's own receiver got it: the raw body, for signatures. */
export interface SandboxWebhookRequest {
  method: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  query: Readonly<Record<string, string>>;
  rawBody: Buffer;
}

export interface SandboxWebhookAnswer {
  status: number;
  body: unknown;
  contentType?: string;
  records: PlatformPresence[];
}

/**
 * One platform in the sandbox: its emulator, what reaches it (base URLs, credentials), scripting in the
 * platform's native values, an outage switch, and its real adapter.
 */
export interface PlatformSandbox {
  readonly platform: Platform;
  readonly baseUrls: Partial<SandboxBaseUrls>;
  readonly credentials: Record<string, string>;
  /**
   * Applies a native value. Where the platform pushes, the emulator delivers it; the answer's HTTP status comes
   * back (undefined when nothing was delivered, 0 when the receiver could not be reached).
   */
  apply(accountId: string, native: string): Promise<number | undefined>;
  outage(on: boolean): void;
  readonly down: boolean;
  /** Verifies a delivery with the adapter library's pure handler (for the sandbox's own receiver). */
  receive?(request: SandboxWebhookRequest): SandboxWebhookAnswer;
  createAdapter(deps: SandboxAdapterDeps): PresenceAdapter;
  close(): Promise<void>;
}

/** The accounts of people on one platform, with their starting native values. */
export function accountsOn(platform: Platform, people: readonly SandboxPersonSeed[]): SandboxAccount[] {
  return people.flatMap((person) => {
    const accountId = person.accounts[platform];
    return accountId === undefined ? [] : [{ userId: person.userId, accountId, native: person.statuses[platform] }];
  });
}

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
