import type { PlatformPresence } from '@amo/presence-core';
import { isOlderReading } from './teams.presence';

// Entra object ids are GUIDs: Graph may echo them in another case than the caller used.
const key = (id: string): string => id.toLowerCase();

/**
 * The adapter's last known reading per Entra object id. Polls and notifications race (a poll that left
 * before a notification can land after it), so every reading goes through `offer`, which keeps the newer
 * one by Graph sequence number: the adapter's own state never regresses, whatever core does downstream.
 */
export class PresenceLedger {
  private readonly held = new Map<string, PlatformPresence>();

  /** Keeps `record` unless it is older than what is held; returns what is held afterwards and whether it changed. */
  offer(record: PlatformPresence): { current: PlatformPresence; accepted: boolean } {
    const held = this.held.get(key(record.accountId));
    if (held !== undefined && isOlderReading(record, held)) return { current: held, accepted: false };
    this.held.set(key(record.accountId), record);
    return { current: record, accepted: true };
  }

  get(accountId: string): PlatformPresence | undefined {
    return this.held.get(key(accountId));
  }

  /** Forgets everyone not in `accountIds` (lower-cased; people no longer tracked are not kept in memory). */
  retain(accountIds: ReadonlySet<string>): void {
    for (const id of this.held.keys()) if (!accountIds.has(id)) this.held.delete(id);
  }

  delete(accountId: string): void {
    this.held.delete(key(accountId));
  }

  get size(): number {
    return this.held.size;
  }
}
