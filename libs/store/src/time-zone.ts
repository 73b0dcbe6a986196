import { InvalidInputError } from '@amo/presence-core';

export const HOURS_PER_WEEK = 168;
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

/** The zone's offset from UTC in minutes at an instant (e.g. +330 for Asia/Kolkata, -240 for New York in summer). */
export function utcOffsetMinutes(timeZone: string, atMs: number): number {
  const name = offsetFormatter(timeZone).formatToParts(atMs).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** 0 = Sunday 00:00-01:00 UTC ... 167 = Saturday 23:00-24:00 UTC. */
export function utcHourOfWeek(atMs: number): number {
  const date = new Date(atMs);
  return date.getUTCDay() * 24 + date.getUTCHours();
}

/**
 * The local hour of the week containing the start of a UTC hour, for a fixed offset. Zones with
 * half-hour offsets attribute a UTC hour to the local hour in which it starts.
 */
export function localHourOfWeek(utcHour: number, offsetMinutes: number): number {
  const local = Math.floor((utcHour * 60 + offsetMinutes) / 60);
  return ((local % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
}
