import type { Browser, Page } from 'playwright-core';
import { browserRunnable, cell, gridGeometry, launchChromium, screenshot, signIn } from './browser.spec-helper';
import { BOOTSTRAP_KEY, bootSandboxService, type SandboxService } from './service.spec-helper';

const NAMES: Record<string, string> = { discord: 'Discord', slack: 'Slack', teams: 'Teams', zoom: 'Zoom', whatsapp: 'WhatsApp', linkedin: 'LinkedIn' };

(browserRunnable(process.env.CI !== undefined) ? describe : describe.skip)('the dashboard in Chromium, served by presence-api in sandbox mode', () => {
  let service: SandboxService;
  let browser: Browser;
  let page: Page;
  const api = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const response = await fetch(`${service.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `Bearer ${BOOTSTRAP_KEY}`, 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status}`);
    return (await response.json()) as T;
  };
  /** Waits until the row shows the aggregate and decider the service's own document has, and returns them. */
  const aggregateMatchesService = async (userId: string, status?: string): Promise<{ status: string; decidedBy: string | null; policy: string }> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const document = await api<{ status: string; decidedBy: string | null; policy: string }>(`/v1/presence/${userId}`);
      const row = `#grid tr[data-user="${userId}"] td.aggregate`;
      const shown = { status: await page.getAttribute(row, 'data-aggregate'), decidedBy: (await page.getAttribute(row, 'data-decided-by')) || null };
      if ((!status || document.status === status) && shown.status === document.status && shown.decidedBy === document.decidedBy) return document;
      if (Date.now() > deadline) throw new Error(`${userId}: the page shows ${JSON.stringify(shown)}, the service ${JSON.stringify(document)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    service = await bootSandboxService();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('asks for the key (saying where it is), then shows the sandbox people with their statuses on each platform', async () => {
    await service.firstReadings();
    // What the page asks the service for: a few reads, then one stream subscribed to everyone.
    const requests: string[] = [];
    const frames: string[] = [];
    const failures: string[] = [];
    page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
    page.on('response', (response) => response.status() >= 400 && failures.push(`${response.status()} ${response.url()}`));
    page.on('console', (message) => message.type() === 'error' && failures.push(message.text()));
    page.on('websocket', (socket) => socket.on('framesent', (frame) => frames.push(String(frame.payload))));
    await page.goto(service.url);
    expect(await page.textContent('#key-hint')).toContain('cat data/admin-token');
    await signIn(page, service.url, BOOTSTRAP_KEY, 'frank');
    expect(await page.isVisible('#sandbox')).toBe(true);
    const people = await page.$$eval('#grid tr[data-user]', (rows) => rows.map((row) => row.getAttribute('data-user')));
    expect(people).toEqual(service.sandbox.people.map((person) => person.userId).sort());
    await page.waitForSelector(`${cell('alice', 'teams')} span[data-status="busy"]`, { timeout: 10_000 });
    await page.waitForSelector(`${cell('alice', 'discord')} span[data-status="online"]`, { timeout: 10_000 });
    await page.waitForSelector(`${cell('carol', 'discord')} span[data-status="busy"]`, { timeout: 10_000 });
    await page.waitForSelector(`${cell('erin', 'slack')} span[data-status="busy"]`, { timeout: 10_000 });
    await page.waitForSelector(`${cell('bob', 'linkedin')} span[data-status="away"]`, { timeout: 10_000 });
    // The aggregate with the platform that decided it, as the service decided it.
    const alice = await aggregateMatchesService('alice', 'online');
    expect(alice.decidedBy).not.toBeNull();
    expect(await page.textContent('#grid tr[data-user="alice"] td.aggregate .status')).toBe('● Online');
    // ... and the policy that decided it, as the service reports it ("via Discord · highest-priority").
    expect(alice.policy).toBe('highest-priority');
    expect(await page.textContent('#grid tr[data-user="alice"] td.aggregate .via')).toBe(`via ${NAMES[alice.decidedBy as string]} · highest-priority`);
    // The legend the terminal demo has, and the cells it explains: "no data" (linked, nothing heard) and "—".
    const legend = await page.textContent('#legend');
    for (const words of ['stale', 'does not vote', 'no data', 'linked, nothing heard yet', 'not linked']) expect(legend).toContain(words);
    expect(await page.isVisible('#legend')).toBe(true);
    expect(await page.textContent(`${cell('erin', 'whatsapp')} .nodata`)).toBe('no data');
    expect(await page.textContent(`${cell('alice', 'linkedin')} .not-linked`)).toBe('—');
    // Platform states are /v1/platforms' states; budgets in words, not bucket ids.
    const { platforms } = await api<{ platforms: { platform: string; state: string }[] }>('/v1/platforms');
    const shown = await page.$$eval('#platforms li[data-platform]', (items) => items.map((item) => [item.getAttribute('data-platform'), item.getAttribute('data-state'), item.getAttribute('data-health')]));
    expect(shown.map(([platform, state]) => [platform, state])).toEqual(platforms.map((platform) => [platform.platform, platform.state]));
    expect(Object.fromEntries(shown.map(([platform, , health]) => [platform, health]))).toEqual({
      discord: 'connected', slack: 'connected', teams: 'connected', zoom: 'connected', whatsapp: 'connected', linkedin: 'connected',
    });
    const strip = await page.textContent('#platforms');
    expect(strip).toMatch(/Teams presence: \d+ of 1,500 per 30 s/);
    expect(strip).toMatch(/Slack users\.getPresence: \d+ of 50 per minute/);
    expect(strip).not.toContain('teams:presence:');
    // The start-up is the snapshot: no read per person (with ~600 people those ran into the key's rate limit).
    const reads = requests.filter((request) => / \/(v1|health)/.test(request));
    expect(reads.filter((request) => request.startsWith('GET /v1/presence/') || request.startsWith('GET /v1/users'))).toEqual([]);
    expect(reads.sort()).toEqual(['GET /health', 'GET /v1/audit', 'GET /v1/platforms']);
    expect(frames.map((frame) => JSON.parse(frame))).toEqual([{ type: 'subscribe', all: true }]);
    // A favicon: the console shows no 404 (nor any other error).
    expect(requests).toContain('GET /favicon.svg');
    expect(failures).toEqual([]);
    await screenshot(page, 'dashboard.png');
  }, 45_000);

  it('shows a status change scripted on an emulator within 2 seconds, without a reload, and no row or column moves', async () => {
    const before = await gridGeometry(page);
    expect(new Set(before.rowHeights).size).toBe(1);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await service.sandbox.setStatus('bob', 'discord', 'dnd');
    await page.waitForSelector(`${cell('bob', 'discord')} span[data-status="busy"]`, { timeout: 2000 });
    await service.sandbox.setStatus('alice', 'teams', 'Available/Available');
    await page.waitForSelector(`${cell('alice', 'teams')} span[data-status="online"]`, { timeout: 2000 });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await gridGeometry(page)).toEqual(before);
  }, 15_000);

  it('opens a person in a side panel (policy, best channel, recent changes) without moving a column, asking only then', async () => {
    const before = await gridGeometry(page);
    const requests: string[] = [];
    const listener = (request: { method(): string; url(): string }) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`);
    page.on('request', listener);
    await page.click('#grid tr[data-user="alice"] button.person-open');
    await page.waitForSelector('#person-channel[data-state="done"]', { timeout: 5000 });
    await page.waitForSelector('#person-policy[data-state="done"]', { timeout: 5000 });
    page.off('request', listener);
    expect(requests.sort()).toEqual(['GET /v1/users/alice/preferences', 'POST /v1/availability']);
    expect(await gridGeometry(page)).toEqual(before);
    expect(await page.getAttribute('#grid tr[data-user="alice"] button.person-open', 'aria-expanded')).toBe('true');
    // The best channel is the first entry of the service's ranking; alice has no policy of her own.
    const { channels } = await api<{ channels: { platform: string }[] }>('/v1/users/alice/channels');
    expect(await page.getAttribute('#person-channel', 'data-platform')).toBe(channels[0].platform);
    expect(await page.textContent('#person-channel')).toContain(`${NAMES[channels[0].platform]} — `);
    expect(await page.getAttribute('#person-policy', 'data-policy')).toBe('default');
    expect(await page.textContent('#person-policy')).toContain('PRESENCE_DEFAULT_POLICY');
    expect(await page.textContent('#person .timeline')).toContain('Teams: Busy → Online');
    await screenshot(page, 'dashboard-person.png');

    // Her own busy-wins policy: a busy Zoom meeting now decides, and the panel says whose policy it is.
    await api('/v1/users/alice/preferences', { method: 'PUT', body: { consent: true, policy: 'busy-wins' } });
    const busy = await aggregateMatchesService('alice', 'busy');
    expect(await page.textContent('#person .panel-aggregate')).toContain(`Busy via ${NAMES[busy.decidedBy as string]} · busy-wins (was Online)`);
    await page.click('#person .panel-close');
    expect(await page.isHidden('#person')).toBe(true);
    await page.click('#grid tr[data-user="alice"] button.person-open');
    await page.waitForSelector('#person-policy[data-policy="busy-wins"]', { timeout: 5000 });
    expect(await page.textContent('#person-policy')).toBe('busy-wins (their own preference)');
    await page.keyboard.press('Escape');
    expect(await page.isHidden('#person')).toBe(true);
    await api('/v1/users/alice/preferences', { method: 'PUT', body: { consent: true } });
    await aggregateMatchesService('alice', 'online');
  }, 30_000);

  it('after the server drops its stream, reconnects, subscribes to everyone again and stays live', async () => {
    const reconnected = page.waitForEvent('websocket', { timeout: 5000 });
    expect(service.dropStreamClients()).toBe(1);
    const socket = await reconnected;
    const frame = await socket.waitForEvent('framesent', { timeout: 5000 });
    expect(JSON.parse(String(frame.payload))).toEqual({ type: 'subscribe', all: true });
    await page.waitForFunction(() => document.getElementById('connection')?.textContent === 'live', undefined, { timeout: 5000 });
    await service.sandbox.setStatus('carol', 'discord', 'online');
    await page.waitForSelector(`${cell('carol', 'discord')} span[data-status="online"]`, { timeout: 2000 });
  }, 15_000);

  it('on a phone (390 px, read-only key): person, aggregate and availability in view, the person column stays when the grid scrolls', async () => {
    const { key } = await api<{ key: string }>('/v1/api-keys', { method: 'POST', body: { name: 'dashboard-reader', scopes: ['read'] } });
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await signIn(phone, service.url, key);
      await phone.waitForSelector('#grid tr[data-user="alice"] td.aggregate[data-aggregate]', { timeout: 10_000 });
      const health = await phone.$$eval('#platforms li[data-platform]', (items) => items.map((item) => item.getAttribute('data-health')));
      expect(health).toHaveLength(6);
      // The page itself does not scroll sideways; only the grid's own container does.
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      const inView = (selector: string) =>
        phone.$eval(selector, (node) => {
          const box = node.getBoundingClientRect();
          return box.left >= 0 && box.right <= window.innerWidth && box.width > 0;
        });
      const row = '#grid tr[data-user="alice"]';
      for (const part of ['th.person', 'td.aggregate', 'td.available']) expect([part, await inView(`${row} ${part}`)]).toEqual([part, true]);
      expect(await phone.isVisible('#legend')).toBe(true);
      await screenshot(phone, 'dashboard-phone.png');
      // Scrolled to the last platform, the person column is still there (sticky).
      await phone.$eval('.scroll', (node) => node.scrollTo({ left: node.scrollWidth }));
      expect(await inView(`${row} td[data-platform="linkedin"]`)).toBe(true);
      expect(await inView(`${row} th.person`)).toBe(true);
      expect(await phone.textContent(`${row} th.person`)).toBe('alice');
      // A read key reads the best channel, not preferences: the panel says so instead of guessing a policy.
      await phone.click(`${row} button.person-open`);
      await phone.waitForSelector('#person-policy[data-state="error"]', { timeout: 5000 });
      expect(await phone.textContent('#person-policy')).toBe('not readable with this key (preferences need the write scope)');
      await phone.waitForSelector('#person-channel[data-state="done"]', { timeout: 5000 });
      expect(await inView('#person')).toBe(true);
    } finally {
      await phone.close();
    }
  }, 30_000);

  it("starts with 600 more people from the snapshot alone, far inside the key's rate limit", async () => {
    const people = Array.from({ length: 600 }, (_, index) => ({ userId: `z${String(index).padStart(3, '0')}`, identities: { whatsapp: `4915550${String(index).padStart(4, '0')}` } }));
    await api('/v1/identities/batch', { method: 'POST', body: { people } });
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const requests: string[] = [];
      fresh.on('request', (request) => requests.push(new URL(request.url()).pathname));
      const started = Date.now();
      await fresh.goto(service.url);
      await fresh.fill('#key', BOOTSTRAP_KEY);
      await fresh.click('#login button[type="submit"]');
      await fresh.waitForFunction(() => document.querySelectorAll('#grid tr[data-user]').length === 606, undefined, { timeout: 15_000 });
      process.stderr.write(`presence-dashboard-e2e: 606 people on the grid ${Date.now() - started} ms after the page was opened\n`);
      expect(requests.filter((path) => path.startsWith('/v1/'))).toHaveLength(2);
      expect(await fresh.getAttribute(`${cell('z599', 'whatsapp')} span[data-status]`, 'data-status')).toBe('unknown');
      // A row with nothing heard yet is as high as one full of native values: rows do not grow as values arrive.
      const height = (userId: string) => fresh.$eval(`#grid tr[data-user="${userId}"]`, (row) => row.getBoundingClientRect().height);
      expect(await height('z599')).toBe(await height('alice'));
    } finally {
      await fresh.close();
    }
  }, 30_000);

  it('shows a platform outage as degraded with its error, and the recovery', async () => {
    const zoom = '#platforms li[data-platform="zoom"]';
    service.sandbox.outage('zoom', true);
    await page.waitForSelector(`${zoom}[data-health="degraded"]`, { timeout: 5000 });
    expect(await page.getAttribute(`${zoom} .health-why`, 'data-code')).toBe('TRANSIENT');
    service.sandbox.outage('zoom', false);
    // Two failed polls may have opened Zoom's circuit breaker: then recovery waits for its next trial call.
    await page.waitForSelector(`${zoom}[data-health="connected"]`, { timeout: 40_000 });
    expect(await page.$(`${zoom} .health-why`)).toBeNull();
  }, 50_000);
});
