import { HOUR_MS, HOURS_PER_WEEK, type HourOfWeekTime, InvalidInputError, type PatternTimeEntry, validateId } from '@amo/presence-core';
import { type EntityManager, In, LessThan } from 'typeorm';
import { PatternTimeEntity } from '../entities/pattern-time.entity';
import { PreferencesEntity } from '../entities/preferences.entity';
import { qualifiedTable, runSql } from '../sql';
import type { StoreContext } from '../store-context';

/** One local hour of the week of a person's history: 0 = Sunday ... 6 = Saturday, in the person's zone. */
export interface HourOfWeekPattern extends HourOfWeekTime {
  dayOfWeek: number;
  hour: number;
}

/** A person's retained history folded onto the week: 168 entries, Sunday 00:00 local first. */
export interface AvailabilityPattern {
  userId: string;
  hours: HourOfWeekPattern[];
  /** Seconds observed in total (every hour of the retained history). */
  observedSeconds: number;
}

const CHUNK = 200;
const DAY_MS = 86_400_000;
// 1970-01-01 was a Thursday (4): the hour of the week of a local hour, in SQL both dialects run.
const HOUR_OF_WEEK_SQL = '((((local_hour / 24) + 4) % 7) * 24 + (local_hour % 24))';

async function optedIn(manager: EntityManager, userIds: readonly string[]): Promise<Set<string>> {
  const result = new Set<string>();
  for (let start = 0; start < userIds.length; start += CHUNK) {
    const rows = await manager.find(PreferencesEntity, {
      select: { userId: true },
      where: { userId: In(userIds.slice(start, start + CHUNK)), patternsOptIn: true },
    });
    for (const row of rows) result.add(row.userId);
  }
  return result;
}

/**
 * Adds time to the per-hour rows inside the caller's transaction. Only people who opted in are kept; the
 * rest are dropped here, not only by the caller. Returns how many rows were added to or created.
 */
export async function addPatternTime(manager: EntityManager, entries: readonly PatternTimeEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const allowed = await optedIn(manager, [...new Set(entries.map((entry) => entry.userId))]);
  const kept = entries.filter((entry) => allowed.has(entry.userId) && entry.observedSeconds > 0);
  const table = qualifiedTable(manager, PatternTimeEntity);
  for (let start = 0; start < kept.length; start += CHUNK) {
    const params: Record<string, unknown> = {};
    const values = kept.slice(start, start + CHUNK).map((entry, i) => {
      Object.assign(params, {
        [`u${i}`]: entry.userId,
        [`h${i}`]: entry.localHour,
        [`a${i}`]: Math.round(Math.min(entry.availableSeconds, entry.observedSeconds)),
        [`o${i}`]: Math.round(entry.observedSeconds),
      });
      return `(:u${i}, :h${i}, :a${i}, :o${i})`;
    });
    // One statement both dialects accept: INSERT ... ON CONFLICT DO UPDATE with an alias for the target row.
    const sql =
      `INSERT INTO ${table} AS p (user_id, local_hour, available_seconds, observed_seconds) VALUES ${values.join(', ')} ` +
      `ON CONFLICT (user_id, local_hour) DO UPDATE SET available_seconds = p.available_seconds + excluded.available_seconds, ` +
      `observed_seconds = p.observed_seconds + excluded.observed_seconds`;
    await runSql(manager, sql, params);
  }
  return kept.length;
}

function emptyWeek(): HourOfWeekPattern[] {
  return Array.from({ length: HOURS_PER_WEEK }, (_, index) => ({
    dayOfWeek: Math.floor(index / 24),
    hour: index % 24,
    availableSeconds: 0,
    observedSeconds: 0,
  }));
}

/**
 * Opt-in availability time per person and hour of their own wall clock (seconds observed and available),
 * folded onto the week when read; kept for a retention period that `purge` enforces.
 */
export class PatternRepository {
  constructor(private readonly context: StoreContext) {}

  /** Adds time in one transaction. Returns how many rows were written (opted-in people only). */
  async record(entries: readonly PatternTimeEntry[]): Promise<number> {
    return this.context.db.write((manager) => addPatternTime(manager, entries));
  }

  /** The person's retained history folded onto the week of their zone. */
  async read(userId: string): Promise<AvailabilityPattern> {
    return (await this.readMany([userId])).get(userId) ?? { userId, hours: emptyWeek(), observedSeconds: 0 };
  }

  /** Several people's weeks (1 query per 200 people); people without rows are absent from the map. */
  async readMany(userIds: readonly string[]): Promise<Map<string, AvailabilityPattern>> {
    const unique = [...new Set(userIds)];
    for (const userId of unique) validateId(userId, 'userId');
    const rows = await this.context.db.read(async (manager) => {
      const table = qualifiedTable(manager, PatternTimeEntity);
      const all: { user_id: string; how: number | string; available: number | string; observed: number | string }[] = [];
      for (let start = 0; start < unique.length; start += CHUNK) {
        const params = Object.fromEntries(unique.slice(start, start + CHUNK).map((id, i) => [`u${i}`, id]));
        const sql =
          `SELECT user_id, ${HOUR_OF_WEEK_SQL} AS how, SUM(available_seconds) AS available, SUM(observed_seconds) AS observed ` +
          `FROM ${table} WHERE user_id IN (${Object.keys(params).map((name) => `:${name}`).join(', ')}) GROUP BY user_id, how`;
        all.push(...(await runSql<typeof all>(manager, sql, params)));
      }
      return all;
    });
    const result = new Map<string, AvailabilityPattern>();
    for (const row of rows) {
      let pattern = result.get(row.user_id);
      if (!pattern) result.set(row.user_id, (pattern = { userId: row.user_id, hours: emptyWeek(), observedSeconds: 0 }));
      const hour = pattern.hours[Number(row.how)];
      hour.availableSeconds += Number(row.available);
      hour.observedSeconds += Number(row.observed);
      pattern.observedSeconds += Number(row.observed);
    }
    return result;
  }

  /** Deletes hours older than the retention period (by the hour's wall-clock start, so within a day's offset). */
  async purge(retentionDays: number): Promise<number> {
    if (!Number.isFinite(retentionDays) || retentionDays < 0) throw new InvalidInputError('retentionDays must be >= 0');
    const cutoff = Math.floor((this.context.clock.now() - retentionDays * DAY_MS) / HOUR_MS);
    const result = await this.context.db.write((manager) => manager.delete(PatternTimeEntity, { localHour: LessThan(cutoff) }));
    return result.affected ?? 0;
  }

  async clear(userId: string): Promise<number> {
    validateId(userId, 'userId');
    const result = await this.context.db.write((manager) => manager.delete(PatternTimeEntity, { userId }));
    return result.affected ?? 0;
  }
}
