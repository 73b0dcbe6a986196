import type { Browser, Page } from 'playwright-core';
import { browserRunnable, launchChromium, screenshot, signIn } from './browser.spec-helper';
import { BOOTSTRAP_KEY, bootSandboxService, type SandboxService } from './service.spec-helper';

(browserRunnable(process.env.CI !== undefined) ? describe : describe.skip)('the dashboard when a platform fails to connect and another is not configured', () => {
  let service: SandboxService;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // Slack gets a revoked token (the emulator refuses it as Slack does), Zoom's token host does not resolve, and
    // LinkedIn gets no credentials at all.
    service = await bootSandboxService({
      credentials: { slack: { bot_token: 'xoxb-revoked-0000000000' }, linkedin: null },
      baseUrls: { zoomOAuth: 'http://zoom-oauth.invalid' },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('shows each failure with its code and message, unlike the platform that is not configured, as /v1/platforms says', async () => {
    const response = await fetch(`${service.url}/v1/platforms`, { headers: { Authorization: `Bearer ${BOOTSTRAP_KEY}` } });
    const { platforms } = (await response.json()) as { platforms: { platform: string; state: string; lastError: { code: string; message: string } | null }[] };
    const slack = platforms.find((platform) => platform.platform === 'slack');
    expect(slack).toMatchObject({ state: 'failed', lastError: { code: 'AUTH_INVALID' } });
    const zoom = platforms.find((platform) => platform.platform === 'zoom');
    expect(zoom).toMatchObject({ state: 'down', lastError: { code: 'TRANSIENT' } });
    expect(zoom?.lastError?.message).toContain('unreachable');
    expect(platforms.find((platform) => platform.platform === 'linkedin')).toMatchObject({ state: 'disconnected', lastError: null });

    await signIn(page, service.url, BOOTSTRAP_KEY);
    const shown = await page.$$eval('#platforms li[data-platform]', (items) =>
      items.map((item) => [item.getAttribute('data-platform'), item.getAttribute('data-state'), item.getAttribute('data-health'), item.className]),
    );
    expect(shown.map(([platform, state]) => [platform, state])).toEqual(platforms.map((platform) => [platform.platform, platform.state]));
    const look = Object.fromEntries(shown.map(([platform, , health, className]) => [platform, [health, className]]));
    expect(look.slack).toEqual(['failed', 'health health-bad']);
    expect(look.zoom).toEqual(['down, retrying', 'health health-bad']);
    expect(look.linkedin).toEqual(['not configured', 'health health-off']);
    expect(look.discord).toEqual(['connected', 'health health-ok']);
    expect(await page.textContent('#platforms li[data-platform="slack"] .health-why')).toBe(`AUTH_INVALID: ${slack?.lastError?.message}`);
    expect(await page.textContent('#platforms li[data-platform="zoom"] .health-why')).toBe(`TRANSIENT: ${zoom?.lastError?.message}`);
    expect(await page.$('#platforms li[data-platform="linkedin"] .health-why')).toBeNull();
    await screenshot(page, 'dashboard-failed-platform.png', true);
  }, 30_000);
});
