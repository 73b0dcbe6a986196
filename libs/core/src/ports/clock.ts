/** Time, injectable so tests drive TTLs and intervals with fake time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
