import { join } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the fuzzer lives with its long-mode CLI in tools/fuzz; this quick mode runs the same code
import { loadDocument, runFuzz } from '../../../../../tools/fuzz/fuzz-session';
import { ADMIN_TOKEN, bootService, type RunningService, tempDir } from '../harness.spec-helper';

const COMMITTED = join(__dirname, '..', '..', '..', 'openapi.json');
const QUICK_REQUESTS = 300;

/**
 * The quick mode of `npm run fuzz` (tools/fuzz): a few hundred generated requests over every operation of the
 * contract (valid ones, mutated ones, forged and unsigned webhook deliveries), fixed seed. The long mode sends
 * 10,000 to a booted service (root README, Reliability).
 */
describe('contract fuzzing: no 5xx, only documented statuses, the error shape, and a refusal changes nothing stored', () => {
  const dir = tempDir();
  let service: RunningService;

  beforeAll(async () => {
    service = await bootService({ dataDir: dir.path, env: { PRESENCE_RATE_LIMIT: '1000000' } });
  });

  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it(`${QUICK_REQUESTS} generated requests (seed 19)`, async () => {
    const document = await loadDocument(service.url, COMMITTED);
    const report = await runFuzz({ url: service.url, token: ADMIN_TOKEN, document, seed: 19, requests: QUICK_REQUESTS });
    expect(report.problems).toEqual([]);
    expect(report.sent).toBe(QUICK_REQUESTS);
    // The run really refused things and really read the store around refusals.
    expect(report.storeChecks).toBeGreaterThan(QUICK_REQUESTS / 10);
    expect(Object.keys(report.byVariant).length).toBeGreaterThan(10);
  }, 120_000);
});
