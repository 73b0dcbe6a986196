import { isoTime } from './iso-time';

describe('isoTime', () => {
  it('is toISOString for every kind of time: minute and second edges, before 1970, six-digit years, the minutes it keeps overwritten', () => {
    const times = [0, 1, 59_999, 60_000, 61_001, -1, -60_000, -60_001, 1_733_480_000_000, 1_733_480_059_999, 253_402_300_799_999, 253_402_300_800_000, -62_198_755_200_001, 8.64e15, -8.64e15];
    // Many minutes that share a kept slot (64 apart), so a slot's text is replaced and read back correctly.
    for (let i = 0; i < 500; i++) times.push(1_700_000_000_000 + i * 64 * 60_000 + ((i * 7919) % 60_000));
    for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('throws as toISOString does for a time no Date can hold', () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});
