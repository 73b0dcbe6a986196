import { InvalidInputError } from '../model/errors';

export const HOUR_MS = 3_600_000;
export const HOURS_PER_WEEK = 168;
/** Every zone offset and DST transition in the tz database falls on a UTC quarter hour. */
export const QUARTER_MS = 900_000;
const WEEKDAY_OF_EPOCH_DAY_0 = 4; // 1970-01-01 was a Thursday
const formatters = new Map<string, Intl.DateTimeFormat>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    } catch {
      throw new InvalidInputError(`unknown time zone ${JSON.stringify(timeZone)}`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws {@link InvalidInputError} for a zone the runtime does not know. */
export function validateTimeZone(timeZone: string): void {
  offsetFormatter(timeZone);
}

/** The zone's offset from UTC in minutes at that instant (+330 for Asia/Kolkata, -240 for New York in summer). */
export function zoneOffsetMinutes(timeZone: string, atMs: number): number {
  const name = offsetFormatter(timeZone).formatToParts(atMs).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** Wall-clock time in the zone at the instant, as milliseconds since 1970-01-01T00:00 of that wall clock. */
export function localWallMs(timeZone: string, atMs: number): number {
  return atMs + zoneOffsetMinutes(timeZone, atMs) * 60_000;
}

/**
 * The local hour containing the instant, as hours since 1970-01-01T00:00 local wall time: the key a pattern
 * bucket is stored under. The offset is the one in force at that instant, so DST moves no history.
 */
export function localHourAt(timeZone: string, atMs: number): number {
  return Math.floor(localWallMs(timeZone, atMs) / HOUR_MS);
}

/** Hour of the week of a local hour key: 0 = Sunday 00:00-01:00 ... 167 = Saturday 23:00-24:00. */
export function hourOfWeekOf(localHour: number): number {
  const day = Math.floor(localHour / 24);
  const weekday = (((day + WEEKDAY_OF_EPOCH_DAY_0) % 7) + 7) % 7;
  return weekday * 24 + (((localHour % 24) + 24) % 24);
}

/** Seconds of an interval falling in each local hour of the zone. */
export interface LocalHourShare {
  localHour: number;
  seconds: number;
}

/**
 * Splits [startMs, endMs) by the zone's local hours, using the offset in force at each instant: a DST
 * night's missing hour gets nothing and its repeated hour gets both halves. Pieces are cut at UTC quarter
 * hours, where every zone's hours and transitions begin.
 */
export function splitByLocalHour(timeZone: string, startMs: number, endMs: number): LocalHourShare[] {
  const shares = new Map<number, number>();
  let at = startMs;
  while (at < endMs) {
    const next = Math.min(endMs, (Math.floor(at / QUARTER_MS) + 1) * QUARTER_MS);
    const hour = localHourAt(timeZone, at);
    shares.set(hour, (shares.get(hour) ?? 0) + (next - at));
    at = next;
  }
  return [...shares].map(([localHour, ms]) => ({ localHour, seconds: ms / 1000 }));
}

/** The first local hour boundary of the zone strictly after the instant (a UTC quarter hour). */
export function nextLocalHourBoundary(timeZone: string, atMs: number): number {
  const hour = localHourAt(timeZone, atMs);
  let at = (Math.floor(atMs / QUARTER_MS) + 1) * QUARTER_MS;
  while (localHourAt(timeZone, at) === hour) at += QUARTER_MS;
  return at;
}
