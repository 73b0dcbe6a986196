import { NETWORK_CHECKS, runAdapterContract, serveWebhook, skipEach } from '@amo/presence-adapter-kit/testing';
import { WhatsAppEmulator } from './testing';
import { createWhatsAppAdapter } from './whatsapp.adapter';
import { parseWhatsAppCredentials } from './whatsapp.credentials';

/** A "native status" here is a signal and its age: WhatsApp has no status values, only signals. */
interface SignalNative {
  signal: 'message' | 'read' | 'delivered';
  ageMs: number;
}

const NO_NETWORK_READ =
  'fetchPresence answers from received webhook signals and makes no platform call; the same failures are mapped on connect() in whatsapp.connect.spec.ts';

runAdapterContract({
  platform: 'whatsapp',
  async setup(tuning) {
    const emulator = await WhatsAppEmulator.start();
    const adapter = createWhatsAppAdapter(
      { credentials: parseWhatsAppCredentials(emulator.credentials()), graphBaseUrl: emulator.graphBaseUrl, timeoutMs: tuning.timeoutMs, maxRetries: tuning.maxRetries, backoff: tuning.backoff, breaker: tuning.breaker },
      { budgets: tuning.budgets },
    );
    const receiver = await serveWebhook((request) => adapter.receiveWebhook(request));
    const knownIds = ['16505551234', '447700900123', '5511988887777'];
    for (const id of knownIds) await emulator.webhooks.message(receiver.url, { from: id, at: new Date(Date.now() - 20 * 60_000) });
    return {
      adapter,
      emulator: emulator.server,
      knownIds,
      unknownIds: ['15550000000'],
      async setStatus(accountId, native) {
        const { signal, ageMs } = native as SignalNative;
        const at = new Date(Date.now() - ageMs);
        const payload =
          signal === 'message'
            ? emulator.webhooks.messagePayload({ from: accountId, at })
            : emulator.webhooks.statusPayload({ recipientId: accountId, status: signal, at });
        const { status } = await emulator.webhooks.deliver(receiver.url, payload);
        if (status !== 200) throw new Error(`webhook answered ${status}`);
      },
      async close() {
        await receiver.close();
        await emulator.close();
      },
    };
  },
  // Signals move lastSeen forward only, so the cases run from oldest to newest.
  statuses: [
    { native: { signal: 'message', ageMs: 10 * 60_000 }, expected: 'away', label: 'inbound message 10 min ago' },
    { native: { signal: 'read', ageMs: 6 * 60_000 }, expected: 'away', label: 'read receipt 6 min ago' },
    { native: { signal: 'read', ageMs: 2 * 60_000 }, expected: 'online', label: 'read receipt 2 min ago' },
    { native: { signal: 'delivered', ageMs: 0 }, expected: 'online', label: 'delivered now changes nothing' },
    { native: { signal: 'message', ageMs: 10 * 60_000 }, expected: 'online', label: 'late older message changes nothing' },
    { native: { signal: 'message', ageMs: 1_000 }, expected: 'online', label: 'inbound message just now' },
  ],
  skip: {
    ...skipEach(NETWORK_CHECKS, NO_NETWORK_READ),
    budget: 'fetchPresence spends no budget; the one budgeted call is connect()',
  },
});
