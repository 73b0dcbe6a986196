import { InvalidInputError } from '../model/errors';
import type { Platform } from '../model/platform';
import { isAvailableStatus, type PresenceStatus } from '../model/status';
import type { AggregationPolicyName } from './policies';

/** Quiet hours as local wall-clock times in an IANA time zone; may wrap midnight (22:00-07:00). */
export interface QuietHours {
  start: string;
  end: string;
  timeZone: string;
}

/** What a person chose: consent, opt-outs, policy, quiet hours. */
export interface PersonPreferences {
  /** Monitoring consent; the service's default applies when undefined. */
  consent?: boolean;
  optedOut?: boolean;
  optedOutPlatforms?: Platform[];
  policy?: AggregationPolicyName;
  preferredPlatforms?: Platform[];
  quietHours?: QuietHours;
  patternsOptIn?: boolean;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      throw new InvalidInputError(`unknown time zone ${JSON.stringify(timeZone)}`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function minutesOf(value: string, field: string): number {
  const match = HH_MM.exec(value);
  if (!match) throw new InvalidInputError(`${field} must be HH:MM (24-hour), got ${JSON.stringify(value)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Throws {@link InvalidInputError} when the times or the time zone are malformed. */
export function validateQuietHours(quiet: QuietHours): void {
  minutesOf(quiet.start, 'quietHours.start');
  minutesOf(quiet.end, 'quietHours.end');
  formatterFor(quiet.timeZone);
}

export function isInQuietHours(quiet: QuietHours, nowMs: number): boolean {
  const start = minutesOf(quiet.start, 'quietHours.start');
  const end = minutesOf(quiet.end, 'quietHours.end');
  if (start === end) return false;
  const local = minutesOf(formatterFor(quiet.timeZone).format(nowMs), 'local time');
  return start < end ? local >= start && local < end : local >= start || local < end;
}

/** Whether a person may be polled on a platform: consent given and not opted out. */
export function isMonitored(prefs: PersonPreferences | undefined, platform: Platform, consentDefault: boolean): boolean {
  if (prefs?.optedOut) return false;
  if (!(prefs?.consent ?? consentDefault)) return false;
  return !prefs?.optedOutPlatforms?.includes(platform);
}

/** Available iff the aggregate is online or idle, outside quiet hours, and the person has not opted out. */
export function isAvailable(
  status: PresenceStatus,
  prefs: PersonPreferences | undefined,
  nowMs: number,
  consentDefault = true,
): boolean {
  if (prefs?.optedOut || !(prefs?.consent ?? consentDefault)) return false;
  if (prefs?.quietHours && isInQuietHours(prefs.quietHours, nowMs)) return false;
  return isAvailableStatus(status);
}
