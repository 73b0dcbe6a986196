import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { VirtualClock } from './__fixtures__/virtual-clock';
import { ZoomEmulator } from './testing';
import { createZoomAdapter, type ZoomAdapter, zoomBudgetSpec } from './zoom.adapter';

const START = Date.parse('2026-03-02T09:00:00Z');
const people = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const readIds = (zoom: ZoomEmulator, since = 0): string[] =>
  zoom.presenceRequests().filter((r) => r.at >= since && r.outcome === 'route').map((r) => r.path.split('/')[3]);

describe('Zoom sweep steps', () => {
  let clock: VirtualClock;
  let zoom: ZoomEmulator;
  let budgets: RateBudgetRegistry;
  let adapter: ZoomAdapter;

  beforeEach(async () => {
    clock = new VirtualClock(START);
    zoom = await ZoomEmulator.start({ clock, users: [...people(200, 'old'), ...people(20, 'new')].map((id) => ({ id, status: 'Away' })) });
    budgets = new RateBudgetRegistry(clock);
    adapter = createZoomAdapter(
      { credentials: zoom.credentials, apiBaseUrl: zoom.apiBaseUrl, oauthBaseUrl: zoom.oauthBaseUrl },
      { clock, fetch: clock.fetch, budgets },
    );
  });

  afterEach(async () => {
    await adapter.close();
    await zoom.close();
  });

  it('a step reads for its own cadence only: ids without a slot keep their last value and come first next step', async () => {
    const ids = people(200, 'old');
    const first = await adapter.fetchPresence(ids);
    // The first step has one budget window: 10 reads at once; the 11th slot belongs to the next step.
    expect(first.records.map((r) => r.accountId)).toEqual(ids.slice(0, 10));
    expect(clock.now()).toBe(START);
    await clock.sleep(4_000);
    const second = await adapter.fetchPresence(ids);
    // Four seconds since the previous step began: four seconds of budget (40 reads), never-read ids first.
    expect(second.records.map((r) => r.accountId)).toEqual(ids.slice(10, 50));
    expect(clock.now() - START).toBeLessThan(8_000);
    expect(zoom.server.overBudgetCount()).toBe(0);
  });

  it('ids added to a running sweep of many are read in the next step, before ids already read', async () => {
    const tracked = people(200, 'old');
    for (let step = 0; step < 4; step++) {
      const began = clock.now();
      await adapter.fetchPresence(tracked);
      await clock.sleep(Math.max(0, began + 10_000 - clock.now()));
    }
    const added = people(20, 'new');
    const addedAt = clock.now();
    const result = await adapter.fetchPresence([...tracked, ...added]);
    expect(readIds(zoom, addedAt).slice(0, 20)).toEqual(added);
    expect(result.records.filter((r) => r.accountId.startsWith('new'))).toHaveLength(20);
    expect(clock.now() - addedAt).toBeLessThanOrEqual(10_000);
  });

  it('a Retry-After pause beyond the step skips its reads at once instead of stalling the step', async () => {
    budgets.get(zoomBudgetSpec(zoom.accountId).bucket)?.pauseUntil(START + 20_000);
    const stalled = await adapter.fetchPresence(['old1', 'old2']);
    expect(stalled).toEqual({ records: [], notFound: [] });
    expect(clock.now()).toBe(START);
    expect(zoom.presenceRequests()).toHaveLength(0);
    await clock.sleep(30_000);
    const resumed = await adapter.fetchPresence(['old1', 'old2']);
    expect(resumed.records.map((r) => r.accountId)).toEqual(['old1', 'old2']);
  });
});
