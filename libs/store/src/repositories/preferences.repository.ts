import {
  InvalidInputError,
  isMonitored,
  parseAggregationPolicy,
  parsePlatform,
  type PersonPreferences,
  type Platform,
  PLATFORMS,
  validateId,
  validateQuietHours,
} from '@amo/presence-core';
import { type EntityManager, In } from 'typeorm';
import { PatternTimeEntity } from '../entities/pattern-time.entity';
import { PreferencesEntity, type PreferencesRow } from '../entities/preferences.entity';
import { SnapshotEntity } from '../entities/snapshot.entity';
import type { StoreContext } from '../store-context';

/** What a save changed beyond the preferences row, so the service can drop the same from its cache. */
export interface PreferencesSaveResult {
  preferences: PersonPreferences;
  /** Platforms whose stored presence was removed because the person is no longer monitored there. */
  forgottenPlatforms: Platform[];
  /** True when the person is not monitored at all now (opted out or no consent): forget everything. */
  forgetAll: boolean;
  /** True when pattern time was removed (patterns opt-in is off). */
  patternsCleared: boolean;
}

function uniquePlatforms(values: readonly unknown[] | undefined, field: string): Platform[] {
  if (values === undefined) return [];
  if (!Array.isArray(values)) throw new InvalidInputError(`${field} must be an array of platform names`);
  return [...new Set(values.map((value) => parsePlatform(value)))];
}

/** Checks and normalizes preferences from the API; throws {@link InvalidInputError} naming the bad field. */
export function normalizePreferences(prefs: PersonPreferences): PersonPreferences {
  const normalized: PersonPreferences = {};
  if (prefs.consent !== undefined) {
    if (typeof prefs.consent !== 'boolean') throw new InvalidInputError('consent must be a boolean');
    normalized.consent = prefs.consent;
  }
  if (prefs.optedOut !== undefined && typeof prefs.optedOut !== 'boolean') throw new InvalidInputError('optedOut must be a boolean');
  if (prefs.patternsOptIn !== undefined && typeof prefs.patternsOptIn !== 'boolean') {
    throw new InvalidInputError('patternsOptIn must be a boolean');
  }
  normalized.optedOut = prefs.optedOut ?? false;
  normalized.optedOutPlatforms = uniquePlatforms(prefs.optedOutPlatforms, 'optedOutPlatforms');
  if (prefs.policy !== undefined) normalized.policy = parseAggregationPolicy(prefs.policy);
  normalized.preferredPlatforms = uniquePlatforms(prefs.preferredPlatforms, 'preferredPlatforms');
  if (prefs.quietHours !== undefined) {
    validateQuietHours(prefs.quietHours);
    const { start, end, timeZone } = prefs.quietHours;
    normalized.quietHours = { start, end, timeZone };
  }
  normalized.patternsOptIn = prefs.patternsOptIn ?? false;
  return normalized;
}

function toRow(userId: string, prefs: PersonPreferences, now: number): PreferencesRow {
  return {
    userId,
    consent: prefs.consent ?? null,
    optedOut: prefs.optedOut ?? false,
    optedOutPlatforms: prefs.optedOutPlatforms ?? [],
    policy: prefs.policy ?? null,
    preferredPlatforms: prefs.preferredPlatforms ?? [],
    quietStart: prefs.quietHours?.start ?? null,
    quietEnd: prefs.quietHours?.end ?? null,
    timeZone: prefs.quietHours?.timeZone ?? null,
    patternsOptIn: prefs.patternsOptIn ?? false,
    updatedAt: now,
  };
}

/** Maps a row to core's {@link PersonPreferences}; `consent` stays undefined when the person has not said. */
export function toPreferences(row: PreferencesRow): PersonPreferences {
  const prefs: PersonPreferences = {
    optedOut: row.optedOut,
    optedOutPlatforms: row.optedOutPlatforms as Platform[],
    preferredPlatforms: row.preferredPlatforms as Platform[],
    patternsOptIn: row.patternsOptIn,
  };
  if (row.consent !== null) prefs.consent = row.consent;
  if (row.policy !== null) prefs.policy = row.policy as PersonPreferences['policy'];
  if (row.quietStart !== null && row.quietEnd !== null && row.timeZone !== null) {
    prefs.quietHours = { start: row.quietStart, end: row.quietEnd, timeZone: row.timeZone };
  }
  return prefs;
}

/**
 * Preferences and consent, as core's {@link PersonPreferences}. Saving applies opt-outs at once: in the same
 * transaction, stored presence for platforms no longer monitored is deleted, and pattern time when the
 * patterns opt-in is off. The service must also call `aggregator.forget` as the result says.
 */
export class PreferencesRepository {
  constructor(private readonly context: StoreContext) {}

  get consentDefault(): boolean {
    return this.context.consentDefault;
  }

  /** What the person chose; undefined when they never set anything. */
  async get(userId: string): Promise<PersonPreferences | undefined> {
    validateId(userId, 'userId');
    const row = await this.context.db.read((manager) => manager.findOneBy(PreferencesEntity, { userId }));
    return row ? toPreferences(row) : undefined;
  }

  /** The preferences with consent resolved against the configured default. */
  async effective(userId: string): Promise<PersonPreferences> {
    const prefs = (await this.get(userId)) ?? {};
    return { ...prefs, consent: prefs.consent ?? this.context.consentDefault };
  }

  /** Replaces the person's preferences (PUT semantics). */
  async save(userId: string, prefs: PersonPreferences): Promise<PreferencesSaveResult> {
    validateId(userId, 'userId');
    const normalized = normalizePreferences(prefs);
    return this.context.db.write((manager) => this.saveIn(manager, userId, normalized));
  }

  /** Merges the given fields into the stored preferences (PATCH semantics); `null`-free partial input. */
  async update(userId: string, patch: PersonPreferences): Promise<PreferencesSaveResult> {
    validateId(userId, 'userId');
    return this.context.db.write(async (manager) => {
      const row = await manager.findOneBy(PreferencesEntity, { userId });
      const merged = normalizePreferences({ ...(row ? toPreferences(row) : {}), ...patch });
      return this.saveIn(manager, userId, merged);
    });
  }

  /** Every stored preference, for the aggregator's synchronous `preferences(userId)` lookup. */
  async loadAll(): Promise<Map<string, PersonPreferences>> {
    const rows = await this.context.db.read((manager) => manager.find(PreferencesEntity));
    return new Map(rows.map((row) => [row.userId, toPreferences(row)]));
  }

  async delete(userId: string): Promise<boolean> {
    validateId(userId, 'userId');
    const result = await this.context.db.write((manager) => manager.delete(PreferencesEntity, { userId }));
    return (result.affected ?? 0) > 0;
  }

  private async saveIn(manager: EntityManager, userId: string, prefs: PersonPreferences): Promise<PreferencesSaveResult> {
    await manager.save(PreferencesEntity, toRow(userId, prefs, this.context.clock.now()));
    const unmonitored = PLATFORMS.filter((platform) => !isMonitored(prefs, platform, this.context.consentDefault));
    const forgetAll = unmonitored.length === PLATFORMS.length;
    if (unmonitored.length > 0) await manager.delete(SnapshotEntity, { userId, platform: In(unmonitored) });
    let patternsCleared = false;
    if (!prefs.patternsOptIn) {
      const removed = await manager.delete(PatternTimeEntity, { userId });
      patternsCleared = (removed.affected ?? 0) > 0;
    }
    return { preferences: prefs, forgottenPlatforms: unmonitored, forgetAll, patternsCleared };
  }
}
