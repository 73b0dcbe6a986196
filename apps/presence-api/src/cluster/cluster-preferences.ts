import { isValidId, type PersonPreferences } from '@amo/presence-core';
import { normalizePreferences } from '@amo/presence-store';
import { Injectable } from '@nestjs/common';
import { PreferencesCache } from '../presence/preferences-cache';

/** A person's preferences after a change on another instance; null when they were deleted (erasure). */
export interface PreferencesChange {
  userId: string;
  preferences: PersonPreferences | null;
}

/** The bus body of a {@link PreferencesChange}, checked (and normalized) as the store would on arrival. */
export function parsePreferencesChange(body: unknown): PreferencesChange | undefined {
  const value = body as { userId?: unknown; preferences?: unknown } | null;
  if (typeof value?.userId !== 'string' || !isValidId(value.userId)) return undefined;
  if (value.preferences === null) return { userId: value.userId, preferences: null };
  if (typeof value.preferences !== 'object' || value.preferences === undefined) return undefined;
  try {
    return { userId: value.userId, preferences: normalizePreferences(value.preferences as PersonPreferences) };
  } catch {
    return undefined;
  }
}

/**
 * The preferences cache that says what changed (cluster mode): consent and opt-outs set on one instance hold on
 * every instance before its next poll. `replaceAll` (the start-up load) is not announced.
 */
@Injectable()
export class ClusterPreferencesCache extends PreferencesCache {
  onChange: ((change: PreferencesChange) => void) | undefined;

  override set(userId: string, preferences: PersonPreferences): void {
    super.set(userId, preferences);
    this.onChange?.({ userId, preferences });
  }

  override delete(userId: string): void {
    super.delete(userId);
    this.onChange?.({ userId, preferences: null });
  }
}
