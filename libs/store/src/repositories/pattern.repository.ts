import { type EntityManager, In } from 'typeorm';
import { PatternCountEntity } from '../entities/pattern-count.entity';
import { PreferencesEntity } from '../entities/preferences.entity';
import { qualifiedTable, runSql } from '../sql';
import type { StoreContext } from '../store-context';
import { HOURS_PER_WEEK, localHourOfWeek, utcHourOfWeek, utcOffsetMinutes } from '../time-zone';

/** One observation of a person's availability (typically one per poll or change). */
export interface AvailabilitySample {
  userId: string;
  at: Date | number;
  available: boolean;
}

/** Counts for one local hour of the week. */
export interface HourOfWeekCount {
  /** 0 = Sunday ... 6 = Saturday, in the reading time zone. */
  dayOfWeek: number;
  hour: number;
  observed: number;
  available: number;
}

export interface AvailabilityPattern {
  userId: string;
  timeZone: string;
  /** The offset used for the conversion: the zone's offset now (a DST change shifts the whole week by an hour). */
  utcOffsetMinutes: number;
  /** 168 entries, Sunday 00:00 local first. */
  hours: HourOfWeekCount[];
}

const CHUNK = 200;

/**
 * Adds samples to the hour-of-week counts inside the caller's transaction. Only people who opted in are
 * counted; the rest are dropped here, not only by the caller. No raw history is kept, only the counts.
 */
export async function addPatternSamples(manager: EntityManager, samples: readonly AvailabilitySample[]): Promise<number> {
  if (samples.length === 0) return 0;
  const userIds = [...new Set(samples.map((sample) => sample.userId))];
  const optedIn = new Set<string>();
  for (let start = 0; start < userIds.length; start += CHUNK) {
    const rows = await manager.find(PreferencesEntity, {
      select: { userId: true },
      where: { userId: In(userIds.slice(start, start + CHUNK)), patternsOptIn: true },
    });
    for (const row of rows) optedIn.add(row.userId);
  }
  const counts = new Map<string, { userId: string; hour: number; observed: number; available: number }>();
  for (const sample of samples) {
    if (!optedIn.has(sample.userId)) continue;
    const hour = utcHourOfWeek(typeof sample.at === 'number' ? sample.at : sample.at.getTime());
    const key = `${sample.userId}\u0000${hour}`;
    const count = counts.get(key) ?? { userId: sample.userId, hour, observed: 0, available: 0 };
    count.observed++;
    if (sample.available) count.available++;
    counts.set(key, count);
  }
  const all = [...counts.values()];
  const table = qualifiedTable(manager, PatternCountEntity);
  for (let start = 0; start < all.length; start += CHUNK) {
    const params: Record<string, unknown> = {};
    const values = all.slice(start, start + CHUNK).map((count, i) => {
      Object.assign(params, { [`u${i}`]: count.userId, [`h${i}`]: count.hour, [`o${i}`]: count.observed, [`a${i}`]: count.available });
      return `(:u${i}, :h${i}, :o${i}, :a${i})`;
    });
    // One statement both dialects accept: INSERT ... ON CONFLICT DO UPDATE with an alias for the target row.
    const sql =
      `INSERT INTO ${table} AS p (user_id, hour_of_week, observed, available) VALUES ${values.join(', ')} ` +
      `ON CONFLICT (user_id, hour_of_week) DO UPDATE SET observed = p.observed + excluded.observed, ` +
      `available = p.available + excluded.available`;
    await runSql(manager, sql, params);
  }
  return all.reduce((sum, count) => sum + count.observed, 0);
}

/** Opt-in availability counts per hour of the week, kept in UTC and converted to the person's zone on read. */
export class PatternRepository {
  constructor(private readonly context: StoreContext) {}

  /** Adds samples in one transaction. Returns how many samples were counted (opted-in people only). */
  async record(samples: readonly AvailabilitySample[]): Promise<number> {
    return this.context.db.write((manager) => addPatternSamples(manager, samples));
  }

  /**
   * The person's week in a time zone: the one given, else the zone of their quiet hours, else UTC.
   * Throws {@link InvalidInputError} for an unknown zone.
   */
  async read(userId: string, timeZone?: string): Promise<AvailabilityPattern> {
    const { rows, zone } = await this.context.db.read(async (manager) => {
      const counts = await manager.find(PatternCountEntity, { where: { userId } });
      const prefs = timeZone === undefined ? await manager.findOneBy(PreferencesEntity, { userId }) : null;
      return { rows: counts, zone: timeZone ?? prefs?.timeZone ?? 'UTC' };
    });
    const offset = utcOffsetMinutes(zone, this.context.clock.now());
    const hours: HourOfWeekCount[] = Array.from({ length: HOURS_PER_WEEK }, (_, index) => ({
      dayOfWeek: Math.floor(index / 24),
      hour: index % 24,
      observed: 0,
      available: 0,
    }));
    for (const row of rows) {
      const local = hours[localHourOfWeek(row.hourOfWeek, offset)];
      local.observed += row.observed;
      local.available += row.available;
    }
    return { userId, timeZone: zone, utcOffsetMinutes: offset, hours };
  }

  async clear(userId: string): Promise<number> {
    const result = await this.context.db.write((manager) => manager.delete(PatternCountEntity, { userId }));
    return result.affected ?? 0;
  }
}
