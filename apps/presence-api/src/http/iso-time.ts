/** Minutes whose text is kept: a read shows a few times each, mostly from the last minutes. */
const MINUTES = 64;
const minuteAt = new Float64Array(MINUTES).fill(NaN);
const minuteText: string[] = new Array<string>(MINUTES).fill('');

/**
 * `new Date(ms).toISOString()`, for the times every read shows (two or three per platform record): the text up to
 * the minute is formatted once per minute seen and kept, and the seconds are appended (about 400 ns a call
 * with `toISOString`, most of a presence view's cost). A time `Date` cannot hold throws the same RangeError.
 */
export function isoTime(ms: number): string {
  // Date's range (a minute may hold, its last milliseconds not): what toISOString refuses is refused here too.
  if (!(Math.abs(ms) <= 8.64e15)) throw new RangeError('Invalid time value');
  const minute = Math.floor(ms / 60_000);
  const slot = minute & (MINUTES - 1);
  if (minuteAt[slot] !== minute) {
    const text = new Date(minute * 60_000).toISOString();
    minuteText[slot] = text.slice(0, text.length - 7);
    minuteAt[slot] = minute;
  }
  const within = ms - minute * 60_000;
  const seconds = Math.floor(within / 1000);
  const millis = within - seconds * 1000;
  return `${minuteText[slot]}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
