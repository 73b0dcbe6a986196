import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleZoomWebhook } from '@amo/presence-adapter-zoom';
import { activeResources } from '@amo/presence-adapter-kit/testing';
import type { Platform, PlatformPresence } from '@amo/presence-core';
import { samplePeople } from './sandbox-people';
import { eventually, leaksAfterClose } from './sandbox.spec-helper';
import { seededRandom } from './seeded-random';
import { startSandbox } from './start-sandbox';

describe('webhook deliveries', () => {
  it('deliver mode: signed deliveries are verified by the pure handlers and their records handed over', async () => {
    const baseline = activeResources();
    const delivered: { platform: Platform; record: PlatformPresence }[] = [];
    const people = samplePeople(6);
    const sandbox = await startSandbox({
      people,
      changeEveryMs: 0,
      deliver: (platform, records) => delivered.push(...records.map((record) => ({ platform, record }))),
    });
    const accountOf = (userId: string, platform: Platform): string => people.find((p) => p.userId === userId)?.accounts[platform] as string;
    const heard = (platform: Platform, userId: string, status: string) =>
      delivered.find((d) => d.platform === platform && d.record.accountId === accountOf(userId, platform) && d.record.status === status);
    try {
      // Starting signals of the recency platforms: alice wrote on WhatsApp now, carol 30 minutes ago, dave commented.
      await eventually(() => heard('whatsapp', 'alice', 'online') && heard('whatsapp', 'carol', 'away') && heard('linkedin', 'dave', 'online'));
      expect(heard('linkedin', 'bob', 'away')?.record.lastSeen?.getTime()).toBeLessThan(Date.now() - 60 * 60_000);

      await sandbox.setStatus('dave', 'zoom', 'In_A_Zoom_Meeting');
      expect(heard('zoom', 'dave', 'busy')?.record.rawStatus).toBe('In_A_Zoom_Meeting');
      await sandbox.setStatus('bob', 'slack', 'dnd');
      expect(heard('slack', 'bob', 'busy')).toBeDefined();
      await sandbox.setStatus('erin', 'slack', 'active'); // ends erin's DND: announced, with her presence
      expect(heard('slack', 'erin', 'online')).toBeDefined();
      await sandbox.setStatus('erin', 'whatsapp', 'read');
      expect(heard('whatsapp', 'erin', 'online')).toBeDefined();
      await sandbox.setStatus('frank', 'linkedin', 'LIKE');
      expect(heard('linkedin', 'frank', 'online')).toBeDefined();

      // A platform that is down delivers nothing.
      const before = delivered.length;
      sandbox.outage('whatsapp', true);
      await sandbox.setStatus('carol', 'whatsapp', 'message');
      sandbox.outage('slack', true);
      await sandbox.setStatus('bob', 'slack', 'active');
      sandbox.outage('zoom', true);
      await sandbox.setStatus('dave', 'zoom', 'Available');
      expect(delivered.length).toBe(before);
      const receiver = sandbox.webhookUrl('zoom') as string;
      const refused = await fetch(receiver.replace('/zoom', '/myspace'), { method: 'POST', body: '{}' });
      expect(refused.status).toBe(404);
    } finally {
      await sandbox.close();
    }
    expect(await leaksAfterClose(baseline)).toEqual([]);
  });

  describe('publicUrl mode (presence-api)', () => {
    let server: Server;
    let url: string;
    const received: { path: string; headers: Record<string, unknown>; body: string }[] = [];
    let accepting = false;

    beforeAll(async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
          res.writeHead(accepting ? 200 : 404, { connection: 'close' }).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it("posts signed webhooks to /v1/webhooks/<platform>, re-sending starting signals until they are accepted", async () => {
      const sandbox = await startSandbox({ publicUrl: `${url}/`, platforms: ['zoom', 'whatsapp'], changeEveryMs: 0 });
      try {
        await eventually(() => received.filter((r) => r.path === '/v1/webhooks/whatsapp').length >= 4);
        accepting = true;
        await new Promise((resolve) => setTimeout(resolve, 600));
        const settled = received.length;
        await new Promise((resolve) => setTimeout(resolve, 600));
        expect(received.length).toBe(settled); // accepted: no more re-sends

        await sandbox.setStatus('alice', 'zoom', 'Away');
        const zoom = received.find((r) => r.path === '/v1/webhooks/zoom');
        expect(zoom).toBeDefined();
        const verified = handleZoomWebhook({ headers: zoom?.headers as Record<string, string>, rawBody: zoom?.body ?? '' }, { secretToken: sandbox.credentials.zoom?.webhook_secret_token ?? '' });
        expect(verified.records.map((r) => r.status)).toEqual(['away', 'away']);
      } finally {
        await sandbox.close();
      }
    });
  });

  it('changes statuses over time with the seeded random source, and stops', async () => {
    const sandbox = await startSandbox({ platforms: ['discord', 'zoom'], changeEveryMs: 0, random: seededRandom(7) });
    try {
      const snapshot = () => sandbox.people.flatMap((p) => sandbox.platforms.map((platform) => sandbox.nativeStatus(p.userId, platform))).join(',');
      const start = snapshot();
      const change = await sandbox.changeOnce();
      expect(change && sandbox.nativeStatus(change.userId, change.platform)).toBe(change?.native);
      expect(snapshot()).not.toBe(start);

      sandbox.startChanges(60);
      const before = snapshot();
      await eventually(() => snapshot() !== before);
      sandbox.stopChanges();
      sandbox.outage('discord', true);
      sandbox.outage('zoom', true);
      expect(await sandbox.changeOnce()).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });
});
