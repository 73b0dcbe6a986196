import { runSoak, type SoakResult } from './soak';
import { report, TARGETS, verdicts } from './soak-report';

/**
 * The soak's quick mode in `npm test`: half a virtual hour with ten people on all six platforms (the long run,
 * `npm run soak -- --hours-equivalent 24`, is by hand). The same invariants as the long run, except the event
 * loop's delay, which on a shared test machine measures the machine: it is reported, not asserted here.
 */
describe('soak, quick mode (half a virtual hour, 10 people x 6 platforms)', () => {
  let result: SoakResult;

  beforeAll(async () => {
    // Four times the long run's change rate, so every platform changes within the half hour.
    result = await runSoak({ hoursEquivalent: 0.5, people: 10, seed: 19, changeRate: 4 });
    for (const line of report(result)) process.stdout.write(`${line}\n`);
  }, 240_000);

  it('sees every change the emulators made, on every platform', () => {
    for (const [platform, changes] of Object.entries(result.platforms)) {
      expect({ platform, made: changes.made > 0, missed: changes.missed, seen: changes.seen }).toEqual({ platform, made: true, missed: 0, seen: changes.made });
    }
    expect(result.missedExamples).toEqual([]);
  });

  it('has no failed poll and no other error', () => {
    expect(Object.values(result.platforms).map((p) => p.pollErrors)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(result.errors).toEqual([]);
  });

  it(`keeps the heap after GC within ${TARGETS.maxMemoryGrowth * 100}% of where warm-up left it`, () => {
    expect(result.heapMb.length).toBeGreaterThanOrEqual(2);
    expect(result.memoryGrowth).toBeLessThan(TARGETS.maxMemoryGrowth);
  });

  it('ran the half hour (and the drain) in far less real time, and judges each target', () => {
    expect(result.virtualMs).toBeGreaterThanOrEqual(1_800_000);
    expect(result.realMs).toBeLessThan(result.virtualMs / 10);
    expect(verdicts(result).map((verdict) => verdict.target)).toHaveLength(4);
  });
});
