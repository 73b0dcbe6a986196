import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '..', '..', '..', 'test-artifacts');
const DASHBOARD_BUILT = existsSync(resolve(__dirname, '..', '..', 'presence-dashboard', 'dist', 'index.html'));

/** Only a developer machine without Debian's Chromium skips (and says so); in CI (which installs it) the tests must run. */
export function browserRunnable(inCi: boolean): boolean {
  const runnable = existsSync(CHROMIUM) || inCi;
  if (!runnable) process.stderr.write(`presence-dashboard-e2e: SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium); CI always runs this test\n`);
  return runnable;
}

export async function launchChromium(): Promise<Browser> {
  if (!DASHBOARD_BUILT) throw new Error('apps/presence-dashboard/dist is missing: run `npx nx run presence-dashboard:build` (nx runs it before this test)');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** The selector of a person's cell for one platform. */
export const cell = (userId: string, platform: string): string => `#grid tr[data-user="${userId}"] td[data-platform="${platform}"]`;

/** Opens the page, enters the key and waits for the grid to hold its first person. */
export async function signIn(page: Page, url: string, key: string, firstUser = 'alice'): Promise<void> {
  await page.goto(url);
  await page.fill('#key', key);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`#grid tr[data-user="${firstUser}"]`, { timeout: 10_000 });
}

/** A screenshot in test-artifacts/ (gitignored; docs/ takes copies). */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage });
}

/** Every left edge and width of the grid's header cells, and every row's height: what must not move. */
export async function gridGeometry(page: Page): Promise<{ columns: number[][]; rowHeights: number[] }> {
  return page.evaluate(() => ({
    columns: [...document.querySelectorAll('#grid thead th')].map((th) => {
      const box = th.getBoundingClientRect();
      return [Math.round(box.left), Math.round(box.width)];
    }),
    rowHeights: [...document.querySelectorAll('#grid tbody tr')].map((tr) => Math.round(tr.getBoundingClientRect().height)),
  }));
}
