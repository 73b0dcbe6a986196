import { InMemoryIdentityDirectory, isValidId, type Platform } from '@amo/presence-core';
import { isPlatform } from '@amo/presence-cluster';

/** One identity change: a link when `accountId` is set, else an unlink (of one platform, or all of them). */
export interface LinkChange {
  userId: string;
  platform?: Platform;
  accountId?: string;
}

/** The bus body of a {@link LinkChange}, checked on arrival. */
export function parseLinkChange(body: unknown): LinkChange | undefined {
  const value = body as { userId?: unknown; platform?: unknown; accountId?: unknown } | null;
  if (typeof value?.userId !== 'string' || !isValidId(value.userId)) return undefined;
  if (value.platform !== undefined && !isPlatform(value.platform)) return undefined;
  if (value.accountId === undefined) return { userId: value.userId, ...(value.platform ? { platform: value.platform } : {}) };
  if (!value.platform || typeof value.accountId !== 'string' || !isValidId(value.accountId)) return undefined;
  return { userId: value.userId, platform: value.platform, accountId: value.accountId };
}

/**
 * Core's in-memory directory that says what changed: cluster mode links people through the API on any instance,
 * and every other instance must resolve their accounts too (a webhook for them can arrive anywhere). The
 * fan-out sets `onChange` once the instance has restored its links from the store, so start-up loads nothing
 * onto the bus.
 */
export class ClusterIdentityDirectory extends InMemoryIdentityDirectory {
  onChange: ((change: LinkChange) => void) | undefined;

  override link(userId: string, platform: Platform, accountId: string): void {
    super.link(userId, platform, accountId);
    this.onChange?.({ userId, platform, accountId });
  }

  override unlink(userId: string, platform?: Platform): void {
    super.unlink(userId, platform);
    this.onChange?.(platform === undefined ? { userId } : { userId, platform });
  }
}
