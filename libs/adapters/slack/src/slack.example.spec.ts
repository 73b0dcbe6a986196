import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlackAdapter } from './slack.adapter';
import { SlackEmulator } from './testing';

// The README's example, verbatim apart from `log` standing in for console.log, so the example cannot rot.
async function main(log: (...args: unknown[]) => void): Promise<void> {
  const slack = await SlackEmulator.start();
  slack.addUser('U024BE7LH', { presence: 'active', status: { status_text: 'Print is dead', status_emoji: ':books:' } });
  const now = Math.floor(Date.now() / 1000);
  slack.addUser('U012EA2U1', { presence: 'away', dnd: { dnd_enabled: true, next_dnd_start_ts: now - 60, next_dnd_end_ts: now + 3600 } });

  const adapter = createSlackAdapter({ botToken: slack.botToken, signingSecret: slack.signingSecret, baseUrl: slack.baseUrl });
  await adapter.connect();
  const { records, notFound } = await adapter.fetchPresence(['U024BE7LH', 'U012EA2U1', 'U0NOBODY1']);
  for (const r of records) log(r.accountId, r.status, r.customMessage ?? r.activity);
  log('not found:', notFound);

  // The Events API endpoint: hand the raw body and headers to the adapter, answer what it says.
  const app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const result = adapter.handleEvent({ headers: req.headers, rawBody: Buffer.concat(chunks), method: req.method });
      res.writeHead(result.status, { 'content-type': result.contentType }).end(result.body);
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const eventsUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`;
  log('url verified:', (await slack.verifyUrl(eventsUrl)).verified);

  adapter.setTrackedIds(['U024BE7LH', 'U012EA2U1']);
  await adapter.startPush({ presence: (r) => log('pushed', r.accountId, r.status, r.customMessage), connection: () => undefined });
  await slack.setStatus('U024BE7LH', { status_text: 'Commuting', status_emoji: ':bus:' });

  await adapter.close();
  await new Promise((resolve) => app.close(resolve));
  await slack.close();
}

it('runs the README example', async () => {
  const lines: string[] = [];
  await main((...args) => lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
  expect(lines).toEqual([
    'U024BE7LH online :books: Print is dead',
    'U012EA2U1 busy Do not disturb',
    'not found: ["U0NOBODY1"]',
    'url verified: true',
    // Slack sends user_change and user_status_changed together; both carry the new status.
    'pushed U024BE7LH online :bus: Commuting',
    'pushed U024BE7LH online :bus: Commuting',
  ]);
});
