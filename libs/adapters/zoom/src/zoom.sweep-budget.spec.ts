import { VirtualClock } from './__fixtures__/virtual-clock';
import { ZoomEmulator } from './testing';
import { createZoomAdapter } from './zoom.adapter';
import { zoomManifest } from './zoom.manifest';

/**
 * Budget-optimal sweeps, measured: the adapter against an emulator that enforces the same per-second limit
 * (429 + Retry-After + X-RateLimit-* past it), under virtual time, with one step per poll interval. The longest
 * gap between two reads of any person must be within 10% of what the budget allows: every interval while a
 * sweep fits in one, else one read per id at the budget's rate (N x window / limit).
 */
const [LIMITS] = zoomManifest.rateBudgets;
const INTERVAL_MS = zoomManifest.defaultIntervalMs;
const START = Date.parse('2026-03-02T09:00:00Z');


interface SweepMeasure {
  longestGapMs: number;
  optimumMs: number;
  reads: number;
  rejected: number;
}

async function measure(people: number, intervalMs = INTERVAL_MS, added: string[] = []): Promise<SweepMeasure> {
  const clock = new VirtualClock(START);
  const ids = Array.from({ length: people }, (_, i) => `zu${String(i).padStart(5, '0')}`);
  const zoom = await ZoomEmulator.start({
    clock,
    rateLimit: { limit: LIMITS.limit, windowMs: LIMITS.windowMs },
    users: [...ids, ...added].map((id) => ({ id, status: 'Available' })),
  });
  const adapter = createZoomAdapter({ credentials: zoom.credentials, apiBaseUrl: zoom.apiBaseUrl, oauthBaseUrl: zoom.oauthBaseUrl }, { clock, fetch: clock.fetch });
  const optimumMs = Math.max(intervalMs, (people * LIMITS.windowMs) / LIMITS.limit);
  // The first sweep ramps up from one budget window; gaps are measured once that is over.
  const measureFrom = START + optimumMs + intervalMs;
  const until = measureFrom + 2 * optimumMs;
  try {
    while (clock.now() < until) {
      const began = clock.now();
      await adapter.fetchPresence(ids);
      // Core's polling loop spaces steps one interval apart, start to start.
      await clock.sleep(Math.max(0, began + intervalMs - clock.now()));
    }
    const readsOf = new Map<string, number[]>();
    for (const request of zoom.presenceRequests()) {
      if (request.outcome !== 'route' || request.at < measureFrom) continue;
      const id = decodeURIComponent(request.path.split('/')[3]);
      readsOf.set(id, [...(readsOf.get(id) ?? []), request.at]);
    }
    let longestGapMs = 0;
    for (const id of ids) {
      const times = [...(readsOf.get(id) ?? []), until];
      for (let i = 1; i < times.length; i++) longestGapMs = Math.max(longestGapMs, times[i] - times[i - 1]);
      if (times.length < 3) longestGapMs = Number.POSITIVE_INFINITY;
    }
    return { longestGapMs, optimumMs, reads: zoom.presenceRequests().length, rejected: zoom.server.overBudgetCount() };
  } finally {
    await adapter.close();
    await zoom.close();
  }
}

function report(label: string, people: number, result: SweepMeasure): number {
  const ratio = result.longestGapMs / result.optimumMs;
  process.stdout.write(
    `zoom sweep ${label}: N=${people} longest gap ${(result.longestGapMs / 1000).toFixed(1)} s, ` +
      `optimum ${(result.optimumMs / 1000).toFixed(1)} s, ratio ${ratio.toFixed(3)}, ${result.reads} reads, ${result.rejected} x 429\n`,
  );
  return ratio;
}

describe(`Zoom sweep within ${LIMITS.limit} reads per ${LIMITS.windowMs} ms, one step every ${INTERVAL_MS / 1000} s`, () => {
  it.each([4, 100, 1_000])('N = %i: longest gap within 10%% of the optimum, zero 429s (ratio printed)', async (people) => {
    const result = await measure(people);
    const ratio = report('start-to-start', people, result);
    expect(result.rejected).toBe(0);
    expect(ratio).toBeGreaterThanOrEqual(0.99);
    expect(ratio).toBeLessThanOrEqual(1.1);
  }, 60_000);
});
