/* eslint-disable @nx/enforce-module-boundaries -- the README's example drives the real Zoom adapter against its emulator */
import { RateBudgetRegistry } from '@amo/presence-adapter-kit';
import { createZoomAdapter } from '@amo/presence-adapter-zoom';
import { ZoomEmulator } from '@amo/presence-adapter-zoom/testing';
/* eslint-enable @nx/enforce-module-boundaries */
import { PresenceAggregator } from '@amo/presence-core';
import { RedisLink } from '../redis-link';
import { disposeLink, testPrefix } from '../redis-link.spec-helper';
import { ClusterPolling } from './cluster-polling';
import { SharedBudgets } from './shared-budgets';

const url = process.env.PRESENCE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = testPrefix('readme-polling');

// The README's example, verbatim apart from the Redis URL and prefix (the test's) and `log` for console.log.
async function instance(id: string, zoom: ZoomEmulator, accounts: string[]) {
  const link = new RedisLink({ url, keyPrefix: prefix });
  await link.ready();
  const budgets = new SharedBudgets({ link, instanceId: id });
  const registry = new RateBudgetRegistry(undefined, { create: (spec) => budgets.budget(spec) });
  const { credentials, apiBaseUrl, oauthBaseUrl } = zoom;
  const adapter = createZoomAdapter({ credentials, apiBaseUrl, oauthBaseUrl }, { budgets: registry });
  await adapter.connect();
  const aggregator = new PresenceAggregator({ polling: 'external', pollIntervalMs: 1_000 });
  aggregator.registerAdapter(adapter);
  accounts.forEach((account, n) => aggregator.directory.link(`person-${n}`, 'zoom', account));
  await aggregator.startMonitoring(['zoom']);
  const polling = new ClusterPolling({ link, target: aggregator, budgets, instanceId: id, leaseMs: 3_000 });
  polling.start();
  return { link, aggregator, polling };
}

async function main(log: (...args: unknown[]) => void): Promise<void> {
  const accounts = Array.from({ length: 30 }, (_, n) => `zu${n}`);
  const zoom = await ZoomEmulator.start({ users: accounts.map((id) => ({ id, status: 'Available' })) });
  const cluster = [await instance('a', zoom, accounts), await instance('b', zoom, accounts)];
  // Everyone is read within 3 s (10 reads a second), whichever instance runs each job (counted as each job ends).
  const read = () => cluster.reduce((sum, { polling }) => sum + (polling.stats().zoom?.read ?? 0), 0);
  while (read() < accounts.length) await new Promise((resolve) => setTimeout(resolve, 100));
  log(cluster.map(({ polling }) => polling.stats().zoom)); // jobs and reads per instance; one plans
  log('accounts Zoom saw:', new Set(zoom.presenceRequests().map((req) => req.path)).size); // 30: everyone
  log('429s:', zoom.server.overBudgetCount()); // 0: 10 reads a second for both together
  await cluster[0].polling.forget('zoom', ['zu7']); // nobody reads zu7 from here on
  for (const { polling, aggregator, link } of cluster) {
    await polling.close();
    await aggregator.close();
    await link.close();
  }
  await zoom.close();
}

describe('README: polling', () => {
  afterAll(async () => {
    await disposeLink(new RedisLink({ url, keyPrefix: prefix }));
  });

  it('two instances read everyone within the one budget, and one of them plans', async () => {
    const lines: unknown[][] = [];
    await main((...args) => lines.push(args));
    const [stats, seen, rejected] = lines;
    const perInstance = stats[0] as { jobs: number; read: number; planner: boolean }[];
    expect(perInstance.reduce((sum, s) => sum + s.jobs, 0)).toBeGreaterThan(0);
    expect(perInstance.filter((s) => s.planner)).toHaveLength(1);
    // The instances' counts (what the loop waited for) are reads of 30 different accounts at Zoom, within budget.
    expect(seen).toEqual(['accounts Zoom saw:', 30]);
    expect(rejected).toEqual(['429s:', 0]);
  }, 30_000);
});
