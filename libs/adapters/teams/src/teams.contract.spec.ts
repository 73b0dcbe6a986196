import { StaticTokenProvider } from '@amo/presence-adapter-kit';
import { type EmulatorRequest, runAdapterContract } from '@amo/presence-adapter-kit/testing';
import { createTeamsAdapter } from './teams.adapter';
import { teamsPresenceBucket } from './teams.manifest';
import { GraphEmulator, graphTestEncryption, TeamsWebhookReceiver } from './testing';

// A fixed tenant: the budget check builds two harnesses and matches buckets by name across them.
const TENANT = { tenantId: '0d1f5c6e-3b1a-4c8e-9a57-2f4d6b8e1c3a', clientId: '5e7a9c1b-2d4f-4a6b-8c0d-1e3f5a7b9c2d', clientSecret: 'contract-secret' };
const isPresenceRead = (req: EmulatorRequest): boolean => req.path === '/v1.0/communications/getPresencesByUserId';
const graphError = (status: number, code: string, message: string) => ({ status, json: { error: { code, message } } });

runAdapterContract({
  platform: 'teams',
  async setup(tuning) {
    const graph = await GraphEmulator.start({ tenants: [{ ...TENANT }] });
    // A few ids: 650-id bodies take long enough to upload that the budget check's 80 ms of slack between the client's
    // and the emulator's windows is eaten by jitter. Batching is covered by teams.adapter.spec.ts (10,000 ids).
    const knownIds = graph.addUsers(4);
    // With push on, so the capabilities check sees push declared and the close check runs startPush before close().
    // No ids are tracked, so no subscription is made: teams.push.spec.ts checks close() with live subscriptions.
    const receiver = await TeamsWebhookReceiver.start((request) => adapter.handleWebhook(request));
    const adapter = createTeamsAdapter(
      {
        credentials: graph.credentials(),
        timeoutMs: tuning.timeoutMs,
        maxRetries: tuning.maxRetries,
        backoff: tuning.backoff,
        breaker: tuning.breaker,
        push: { delegatedAuth: new StaticTokenProvider(graph.issueDelegatedToken().accessToken), publicUrl: receiver.publicUrl, encryption: graphTestEncryption() },
      },
      { budgets: tuning.budgets },
    );
    return {
      adapter,
      emulator: graph.server,
      knownIds,
      unknownIds: ['66825e03-7ef5-42da-9069-724602c31f6b', 'not-an-object-id'],
      setStatus: (accountId, native) => {
        graph.setPresence(accountId, native as { availability: string; activity: string });
      },
      errorReplies: {
        unauthorized: graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'),
        forbidden: graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
        serverError: graphError(503, 'ServiceUnavailable', 'The service is temporarily unavailable.'),
      },
      budgetMatchers: { [teamsPresenceBucket(TENANT.tenantId)]: isPresenceRead },
      async close() {
        await receiver.close();
        await graph.close();
      },
    };
  },
  statuses: [
    { native: { availability: 'Available', activity: 'Available' }, expected: 'online' },
    { native: { availability: 'AvailableIdle', activity: 'Available' }, expected: 'idle' },
    { native: { availability: 'Busy', activity: 'InAMeeting' }, expected: 'busy' },
    { native: { availability: 'Busy', activity: 'InACall' }, expected: 'busy' },
    { native: { availability: 'Busy', activity: 'InAConferenceCall' }, expected: 'busy' },
    { native: { availability: 'BusyIdle', activity: 'Busy' }, expected: 'busy' },
    { native: { availability: 'DoNotDisturb', activity: 'Presenting' }, expected: 'busy' },
    { native: { availability: 'DoNotDisturb', activity: 'UrgentInterruptionsOnly' }, expected: 'busy' },
    { native: { availability: 'Away', activity: 'Away' }, expected: 'away' },
    { native: { availability: 'BeRightBack', activity: 'BeRightBack' }, expected: 'away' },
    { native: { availability: 'Available', activity: 'OutOfOffice' }, expected: 'away', label: 'out of office beats available' },
    { native: { availability: 'Offline', activity: 'OffWork' }, expected: 'away', label: 'off work' },
    { native: { availability: 'Offline', activity: 'Offline' }, expected: 'offline' },
    { native: { availability: 'Offline', activity: 'Inactive' }, expected: 'offline' },
    { native: { availability: 'PresenceUnknown', activity: 'PresenceUnknown' }, expected: 'unknown' },
    { native: { availability: 'busy', activity: 'inAMeeting' }, expected: 'busy', label: 'camelCase' },
    { native: { availability: 'focusing', activity: 'Focusing' }, expected: 'busy', label: 'newer docs: focusing' },
    { native: { availability: 'presenting', activity: 'Presenting' }, expected: 'busy', label: 'newer docs: presenting as availability' },
  ],
  unrecognizedNative: { availability: 'Levitating', activity: 'Levitating' },
});
