import { constants, createServer, type Http2Session } from 'node:http2';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startStack, type Stack } from '../support/stack';

// The dashboard with no service behind it, as a newcomer sees it who started the dashboard
// alone: every page names the service it could not reach, where it looked, and how to start
// it; the JSON routes answer 503 saying the same. Real dashboard, real browser, nothing listening
// (but for the first test, which puts a listener there that takes requests and answers none).

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

/** The page's service-down notice: why the service gave no answer, which service, and what it says. */
async function serviceDownNotice(page: Page): Promise<{ reason: string | null; service: string | null; text: string }> {
  const notice = page.getByTestId('service-down');
  return { reason: await notice.getAttribute('data-reason'), service: await notice.getAttribute('data-service'), text: await notice.innerText() };
}

describe('the dashboard without its services', () => {
  it('says a service that took the request and did not answer in time is busy, and to reload', async () => {
    // An HTTP/2 listener at the training service's address that takes every call and answers
    // none: a service too busy to reply. The experiments page's call waits out its 10 s deadline.
    const stuck = createServer();
    const sessions: Http2Session[] = [];
    let requests = 0;
    stuck.on('session', (session) => sessions.push(session));
    stuck.on('stream', () => void (requests += 1));
    const port = Number(stack.addresses.training.split(':').at(-1));
    await new Promise<void>((resolve) => stuck.listen(port, '127.0.0.1', resolve));
    try {
      const page = await browser.newPage();
      await page.goto(`${stack.dashboardUrl}/`, { timeout: 60_000 });
      const { reason, service, text } = await serviceDownNotice(page);
      expect({ reason, service }).toEqual({ reason: 'slow', service: 'training' });
      expect(text).toContain('The training service did not answer in time');
      expect(text).toContain(stack.addresses.training);
      expect(text).toContain('reload this page in a moment');
      expect(text).not.toContain('npm start');
      expect(requests).toBeGreaterThan(0);
      await saveScreenshot(page, 'dashboard-service-slow');
      await page.close();
    } finally {
      for (const session of sessions) session.destroy(undefined, constants.NGHTTP2_CANCEL);
      await new Promise<void>((resolve) => stuck.close(() => resolve()));
    }
  }, 90_000);

  it('explains on the page which service could not be reached, where, and how to start it', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.dashboardUrl}/runs`);
    const { reason, service, text } = await serviceDownNotice(page);
    expect({ reason, service }).toEqual({ reason: 'unreachable', service: 'training' });
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
