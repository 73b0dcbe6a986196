import { runAdapterContract } from '@amo/presence-adapter-kit/testing';
import type { EmulatorRequest } from '@amo/presence-adapter-kit/testing';
import { ZoomEmulator } from './testing';
import { createZoomAdapter, zoomBudgetSpec } from './zoom.adapter';

const isPresenceRead = (req: EmulatorRequest): boolean => /\/presence_status$/.test(req.path);
// Roomy outside the budget check (which pre-defines its own tight bucket), so the other checks run in milliseconds.
const ROOMY = { limit: 200, windowMs: 1000 };

runAdapterContract({
  platform: 'zoom',
  async setup(tuning) {
    const zoom = await ZoomEmulator.start({
      rateLimit: ROOMY,
      users: [
        { id: 'KdYKjnimT4KPd8FFgQt9FQ', email: 'ada@example.com', status: 'Available' },
        { id: 'z8yCqjiyQ4yMq2QvHJpV7w', status: 'Away' },
        { id: 'Hn5kLr0vSgK1a2b3c4d5eA', status: 'Do_Not_Disturb', endTime: '2030-01-01T10:00:00Z', remainingTime: 30 },
      ],
    });
    const adapter = createZoomAdapter(
      {
        credentials: zoom.credentials,
        apiBaseUrl: zoom.apiBaseUrl,
        oauthBaseUrl: zoom.oauthBaseUrl,
        rateBudget: ROOMY,
        timeoutMs: tuning.timeoutMs,
        maxRetries: tuning.maxRetries,
        backoff: tuning.backoff,
        breaker: tuning.breaker,
      },
      { budgets: tuning.budgets },
    );
    return {
      adapter,
      emulator: zoom.server,
      knownIds: ['KdYKjnimT4KPd8FFgQt9FQ', 'z8yCqjiyQ4yMq2QvHJpV7w', 'Hn5kLr0vSgK1a2b3c4d5eA'],
      unknownIds: ['AAAAAAAAAAAAAAAAAAAAAA', 'nobody@example.com'],
      setStatus: (accountId, native) => zoom.setStatus(accountId, String(native)),
      errorReplies: {
        unauthorized: { status: 401, json: { code: 124, message: 'Invalid access token.' } },
        forbidden: { status: 403, json: { code: 200, message: 'No permission.' } },
        serverError: { status: 500, json: { code: 500, message: 'Internal server error.' } },
      },
      budgetMatchers: { [zoomBudgetSpec(zoom.accountId).bucket]: isPresenceRead },
      close: () => zoom.close(),
    };
  },
  statuses: [
    { native: 'Available', expected: 'online' },
    { native: 'available', expected: 'online', label: 'lower case' },
    { native: 'Away', expected: 'away' },
    { native: 'Out_of_Office', expected: 'away' },
    { native: 'Do_Not_Disturb', expected: 'busy' },
    { native: 'Do_No_Disturb', expected: 'busy', label: 'the spec typo Do_No_Disturb' },
    { native: 'Busy', expected: 'busy' },
    { native: 'Presenting', expected: 'busy' },
    { native: 'In_A_Zoom_Meeting', expected: 'busy' },
    { native: 'In_A_Meeting', expected: 'busy' },
    { native: 'On_A_Call', expected: 'busy' },
    { native: 'In_A_Call', expected: 'busy' },
    { native: 'On_Phone_Call', expected: 'busy' },
    { native: 'In_Calendar_Event', expected: 'busy' },
    { native: 'In_A_Calendar_Event', expected: 'busy' },
    { native: 'Offline', expected: 'offline' },
  ],
  unrecognizedNative: 'Focus_Mode',
});
