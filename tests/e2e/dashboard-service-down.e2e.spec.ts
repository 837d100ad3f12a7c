import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startStack, type Stack } from '../support/stack';

// The dashboard with no service behind it, as a newcomer sees it who started the dashboard
// alone: every page names the service it could not reach, where it looked, and how to start
// it; the JSON routes answer 503 saying the same. Real dashboard, real browser, nothing listening.

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ services: [], dashboard: true });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the dashboard without its services', () => {
  it('explains on the page which service could not be reached, where, and how to start it', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.dashboardUrl}/runs`);
    const notice = page.getByTestId('service-down');
    await expect(notice.getAttribute('data-reason')).resolves.toBe('unreachable');
    await expect(notice.getAttribute('data-service')).resolves.toBe('training');
    const text = await notice.innerText();
    expect(text).toContain('The training service could not be reached');
    expect(text).toContain(stack.addresses.training);
    expect(text).toContain('npm start');
    await saveScreenshot(page, 'dashboard-service-down');
    await page.close();
  });

  it('answers 503 from its JSON routes, with the same advice', async () => {
    const response = await fetch(`${stack.dashboardUrl}/api/runs/export?experiment=none`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: string };
    expect(body.error).toMatch(/^the training service at 127\.0\.0\.1:\d+ could not be reached: .*Start the services with `npm start`/s);
  });
});
