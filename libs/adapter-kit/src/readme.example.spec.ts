// The README's example, kept runnable (relative imports stand for the package names): if this fails, the README is wrong.
import { PresenceError } from '@amo/presence-core';
import { PlatformHttpClient, RateBudgetRegistry, baseHttpError, type HttpOutcome } from './index';
import { EmulatorServer } from './testing';

it('README example: a paced, retrying client against an emulator', async () => {
  const emulator = await EmulatorServer.start();
  emulator.route('GET', '/v2/users/:id/presence_status', (req) => ({ json: { status: req.params.id === 'u1' ? 'Available' : 'Away' } }));
  emulator.faults.rateLimitNext(1, 1); // the first call gets 429 + Retry-After: 1

  const budgets = new RateBudgetRegistry();
  budgets.define({ bucket: 'zoom:presence', limit: 10, windowMs: 1_000 });
  const parseZoomError = (outcome: HttpOutcome): PresenceError | null => baseHttpError('zoom', outcome);
  const client = new PlatformHttpClient({
    platform: 'zoom',
    baseUrl: `${emulator.url}/v2`,
    parseError: parseZoomError,
    budgets,
    timeoutMs: 2_000,
  });

  const res = await client.request<{ status: string }>({ path: '/users/u1/presence_status', bucket: 'zoom:presence' });

  expect(res.body.status).toBe('Available');
  expect(client.health()).toMatchObject({ breaker: 'closed', retries: 1, lastError: { code: 'RATE_LIMITED' } });
  expect(emulator.requests[1].at - emulator.requests[0].at).toBeGreaterThanOrEqual(950);
  client.close();
  await emulator.close();
});
