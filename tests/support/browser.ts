import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (GENLAB_CHROMIUM overrides the path). */
const CHROMIUM = process.env.GENLAB_CHROMIUM ?? '/usr/lib/chromium/chromium';
/** Where the dashboard tests leave their screenshots, to be looked at. */
export const SCREENSHOTS = resolve(__dirname, '../../test-results/screenshots');

/** A headless Chromium for the dashboard tests, with the screenshot folder in place. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Saves the whole page as test-results/screenshots/<file>.png. */
export async function saveScreenshot(page: Page, file: string, options: { fullPage?: boolean } = { fullPage: true }): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${file}.png`), fullPage: options.fullPage });
}
