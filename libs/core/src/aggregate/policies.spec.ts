import fc from 'fast-check';
import { InvalidInputError } from '../model/errors';
import { PLATFORMS } from '../model/platform';
import { PRESENCE_STATUSES, STATUS_PRIORITY } from '../model/status';
import { aggregate, AGGREGATION_POLICY_NAMES, parseAggregationPolicy, type Vote } from './policies';

const vote = fc.record({
  platform: fc.constantFrom(...PLATFORMS),
  status: fc.constantFrom(...PRESENCE_STATUSES),
  updatedAt: fc.integer({ min: 0, max: 1_000_000 }),
  fresh: fc.boolean(),
});
/** One vote per platform, as a person has at most one record per platform. */
const votes = fc.uniqueArray(vote, { selector: (v) => v.platform, maxLength: PLATFORMS.length });
const policy = fc.constantFrom(...AGGREGATION_POLICY_NAMES);

describe('aggregate', () => {
  it('adding a stale record never changes the result', () => {
    fc.assert(
      fc.property(votes, vote, policy, (held, extra, name) => {
        const others = held.filter((v) => v.platform !== extra.platform);
        const before = aggregate(others, name);
        const after = aggregate([...others, { ...extra, fresh: false }], name);
        expect(after.status).toBe(before.status);
        expect(after.decidedBy).toBe(before.decidedBy);
        expect(after.stale).toContain(extra.platform);
      }),
    );
  });

  it('the default policy returns the highest-priority fresh status', () => {
    fc.assert(
      fc.property(votes, (held) => {
        const fresh = held.filter((v) => v.fresh);
        const result = aggregate(held);
        if (fresh.length === 0) {
          expect(result).toEqual({ status: 'unknown', decidedBy: null, stale: held.map((v) => v.platform) });
          return;
        }
        const top = Math.max(...fresh.map((v) => STATUS_PRIORITY[v.status]));
        expect(STATUS_PRIORITY[result.status]).toBe(top);
        expect(fresh.find((v) => v.platform === result.decidedBy)?.status).toBe(result.status);
      }),
    );
  });

  it('busy-wins never reports anything but busy when a fresh busy exists', () => {
    fc.assert(
      fc.property(votes, (held) => {
        const result = aggregate(held, 'busy-wins');
        if (held.some((v) => v.fresh && v.status === 'busy')) expect(result.status).toBe('busy');
        else expect(result.status).toBe(aggregate(held).status);
      }),
    );
  });

  it('does not depend on the order of the records', () => {
    fc.assert(
      fc.property(votes, policy, (held, name) => {
        expect(aggregate([...held].reverse(), name)).toEqual({ ...aggregate(held, name), stale: expect.any(Array) });
      }),
    );
  });

  it('breaks ties by most recent, then by the fixed platform order', () => {
    const tie = (a: Partial<Vote>, b: Partial<Vote>): Vote[] => [
      { platform: 'slack', status: 'online', updatedAt: 10, fresh: true, ...a },
      { platform: 'discord', status: 'online', updatedAt: 10, fresh: true, ...b },
    ];
    expect(aggregate(tie({ updatedAt: 20 }, {})).decidedBy).toBe('slack');
    expect(aggregate(tie({}, {})).decidedBy).toBe('discord');
  });

  it('parses policy names and rejects others with a typed error', () => {
    expect(parseAggregationPolicy('busy-wins')).toBe('busy-wins');
    expect(() => parseAggregationPolicy('loudest')).toThrow(InvalidInputError);
  });
});
