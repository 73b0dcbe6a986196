import { type QuietHours, validateQuietHours } from '../aggregate/preferences';
import { InvalidInputError } from '../model/errors';
import { HOURS_PER_WEEK, QUARTER_MS, validateTimeZone, zoneOffsetMinutes } from './local-time';

/** Time observed and time available in one local hour of the week, summed over the retained history. */
export interface HourOfWeekTime {
  availableSeconds: number;
  observedSeconds: number;
}

export interface SuggestionPerson {
  userId: string;
  /** The zone the history's hours are in (the person's own). */
  timeZone: string;
  /** 168 entries, Sunday 00:00 local first; null when the person did not opt in to pattern learning. */
  history: readonly HourOfWeekTime[] | null;
  quietHours?: QuietHours;
}

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Local wall-clock window in the request's zone; `end` may be 24:00. */
export interface WorkingHours {
  start: string;
  end: string;
  days: readonly Weekday[];
}

export interface SuggestionRequest {
  people: readonly SuggestionPerson[];
  nowMs: number;
  durationMinutes: number;
  withinDays: number;
  /** The zone working hours are read in. */
  timeZone: string;
  workingHours?: WorkingHours;
  limit?: number;
  /** Beta prior: `mean` with the weight of `weightHours` observed hours (0.5 and 4 by default). */
  prior?: { mean: number; weightHours: number };
  /** Less observed time than this in total and the person is `unknown` (1 hour by default). */
  minObservedHours?: number;
}

export interface SuggestedSlot {
  start: string;
  end: string;
  probability: number;
  people: { userId: string; probability: number; observedHours: number }[];
}

export interface SuggestionResult {
  slots: SuggestedSlot[];
  unknown: string[];
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { start: '09:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
export const DEFAULT_SUGGESTION_LIMIT = 5;
const SLOT_STEP_MINUTES = 30;
const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

function minutesOfDay(value: string, field: string, allow24: boolean): number {
  const match = /^(\d{2}):([0-5]\d)$/.exec(value);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!(minutes >= 0 && (minutes < DAY_MINUTES || (allow24 && minutes === DAY_MINUTES)))) {
    throw new InvalidInputError(`${field} must be HH:MM (24-hour), got ${JSON.stringify(value)}`);
  }
  return minutes;
}

/** The per-hour probability: observed time available, pulled towards the prior when little was observed. */
export function hourProbability(hour: HourOfWeekTime | undefined, prior = { mean: 0.5, weightHours: 4 }): number {
  const observed = (hour?.observedSeconds ?? 0) / 3600;
  const available = Math.min(observed, (hour?.availableSeconds ?? 0) / 3600);
  return (available + prior.mean * prior.weightHours) / (observed + prior.weightHours);
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Quarter-hour columns of one person over the search window: probability, observed hours, quiet or not. */
interface PersonColumns {
  userId: string;
  probability: Float64Array;
  observedHours: Float64Array;
  quiet: Uint8Array;
}

const QUARTERS_PER_DAY = 96;

/**
 * The zone's offset at each quarter of the window. Intl is slow (tens of microseconds a call), so it is asked
 * once a day and per quarter only in a day whose two ends differ (a DST change, at most two a year).
 */
function offsetsOf(zone: string, gridStart: number, quarters: number, cache: Map<string, Int16Array>): Int16Array {
  let offsets = cache.get(zone);
  if (!offsets) {
    offsets = new Int16Array(quarters);
    for (let day = 0; day < quarters; day += QUARTERS_PER_DAY) {
      const last = Math.min(quarters, day + QUARTERS_PER_DAY) - 1;
      const first = zoneOffsetMinutes(zone, gridStart + day * QUARTER_MS);
      if (first === zoneOffsetMinutes(zone, gridStart + last * QUARTER_MS)) offsets.fill(first, day, last + 1);
      else for (let q = day; q <= last; q++) offsets[q] = zoneOffsetMinutes(zone, gridStart + q * QUARTER_MS);
    }
    cache.set(zone, offsets);
  }
  return offsets;
}

/** Quiet hours by local minute of the day, the same rule as `isInQuietHours` (may wrap midnight; start = end is none). */
function isQuietAt(localMinute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? localMinute >= start && localMinute < end : localMinute >= start || localMinute < end;
}

function hourOfWeekAt(atMs: number, offsetMinutes: number): number {
  const local = new Date(atMs + offsetMinutes * MINUTE_MS);
  return local.getUTCDay() * 24 + local.getUTCHours();
}

/**
 * Meeting slots ranked by the probability that everyone is available: per person from their hour-of-week
 * history in their own zone (with a prior for little data), multiplied across people (independence); only
 * slots inside the working hours (in the request's zone) and outside every person's quiet hours, starting on
 * the request zone's half hours within `withinDays`. Returned slots do not overlap. People without opt-in or
 * enough history are listed in `unknown` and left out of the product.
 */
export function suggestMeetingSlots(request: SuggestionRequest): SuggestionResult {
  validateTimeZone(request.timeZone);
  const hours = request.workingHours ?? DEFAULT_WORKING_HOURS;
  const dayStart = minutesOfDay(hours.start, 'workingHours.start', false);
  const dayEnd = minutesOfDay(hours.end, 'workingHours.end', true);
  if (dayEnd <= dayStart) throw new InvalidInputError('workingHours.end must be after workingHours.start');
  const days = new Set(hours.days.map((day) => WEEKDAYS.indexOf(day)));
  const minObservedSeconds = (request.minObservedHours ?? 1) * 3600;
  const known = request.people.filter((person) => {
    if (!person.history || person.history.length !== HOURS_PER_WEEK) return false;
    return person.history.reduce((sum, hour) => sum + hour.observedSeconds, 0) >= minObservedSeconds;
  });
  const unknown = request.people.filter((person) => !known.includes(person)).map((person) => person.userId);
  if (known.length === 0) return { slots: [], unknown };

  const durationQuarters = Math.ceil((request.durationMinutes * MINUTE_MS) / QUARTER_MS);
  const gridStart = Math.ceil(request.nowMs / QUARTER_MS) * QUARTER_MS;
  const lastStart = request.nowMs + request.withinDays * DAY_MINUTES * MINUTE_MS;
  const quarters = Math.ceil((lastStart - gridStart) / QUARTER_MS) + durationQuarters + 1;
  const offsets = new Map<string, Int16Array>();
  const columns: PersonColumns[] = known.map((person) => {
    validateTimeZone(person.timeZone);
    const zoneOffsets = offsetsOf(person.timeZone, gridStart, quarters, offsets);
    const quiet = person.quietHours;
    if (quiet) validateQuietHours(quiet);
    // Offsets computed once per zone and quarter: Intl per person and quarter costs a second at 50 people x 14 days.
    const quietOffsets = quiet ? offsetsOf(quiet.timeZone, gridStart, quarters, offsets) : undefined;
    const quietStart = quiet ? minutesOfDay(quiet.start, 'quietHours.start', false) : 0;
    const quietEnd = quiet ? minutesOfDay(quiet.end, 'quietHours.end', false) : 0;
    const column: PersonColumns = {
      userId: person.userId,
      probability: new Float64Array(quarters),
      observedHours: new Float64Array(quarters),
      quiet: new Uint8Array(quarters),
    };
    for (let q = 0; q < quarters; q++) {
      const at = gridStart + q * QUARTER_MS;
      const hour = person.history?.[hourOfWeekAt(at, zoneOffsets[q])];
      column.probability[q] = hourProbability(hour, request.prior);
      column.observedHours[q] = (hour?.observedSeconds ?? 0) / 3600;
      if (quietOffsets) {
        const localMinute = ((Math.floor((at + quietOffsets[q] * MINUTE_MS) / MINUTE_MS) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
        column.quiet[q] = isQuietAt(localMinute, quietStart, quietEnd) ? 1 : 0;
      }
    }
    return column;
  });

  const requestOffsets = offsetsOf(request.timeZone, gridStart, quarters, offsets);
  const candidates: (SuggestedSlot & { startMs: number })[] = [];
  for (let q = 0; gridStart + q * QUARTER_MS <= lastStart; q++) {
    const startMs = gridStart + q * QUARTER_MS;
    const endMs = startMs + request.durationMinutes * MINUTE_MS;
    const local = new Date(startMs + requestOffsets[q] * MINUTE_MS);
    const startMinute = local.getUTCHours() * 60 + local.getUTCMinutes();
    if (startMinute % SLOT_STEP_MINUTES !== 0 || !days.has(local.getUTCDay())) continue;
    const endQuarter = q + durationQuarters;
    // Offsets change only at quarter hours, so the end's offset is the one of the quarter it falls in.
    const localEnd = new Date(endMs + requestOffsets[Math.floor((endMs - gridStart) / QUARTER_MS)] * MINUTE_MS);
    const sameDay = localEnd.getUTCDate() === local.getUTCDate();
    const endMinute = sameDay ? localEnd.getUTCHours() * 60 + localEnd.getUTCMinutes() : DAY_MINUTES + localEnd.getUTCHours() * 60;
    if (startMinute < dayStart || endMinute > dayEnd) continue;
    const people: SuggestedSlot['people'] = [];
    let all = 1;
    let blocked = false;
    for (const column of columns) {
      let probability = 1;
      let observed = Infinity;
      for (let k = q; k < endQuarter; k++) {
        if (column.quiet[k]) blocked = true;
        probability = Math.min(probability, column.probability[k]);
        observed = Math.min(observed, column.observedHours[k]);
      }
      if (blocked) break;
      all *= probability;
      people.push({ userId: column.userId, probability: round(probability, 3), observedHours: round(observed, 1) });
    }
    if (blocked) continue;
    candidates.push({ startMs, start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), probability: round(all, 4), people });
  }

  candidates.sort((a, b) => b.probability - a.probability || a.startMs - b.startMs);
  const limit = request.limit ?? DEFAULT_SUGGESTION_LIMIT;
  const chosen: typeof candidates = [];
  for (const slot of candidates) {
    if (chosen.length >= limit) break;
    const endMs = slot.startMs + request.durationMinutes * MINUTE_MS;
    if (chosen.some((other) => slot.startMs < other.startMs + request.durationMinutes * MINUTE_MS && other.startMs < endMs)) continue;
    chosen.push(slot);
  }
  return { slots: chosen.map(({ startMs: _startMs, ...slot }) => slot), unknown };
}
