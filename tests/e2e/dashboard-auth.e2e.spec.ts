import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenlabClients, unary } from '@genlab/client';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startStack, type Stack } from '../support/stack';

// The dashboard with GENLAB_AUTH=tokens: pages need a signed-in user, the token is checked
// against the services, and every call the dashboard's server makes carries that user's token.

const ROOT = resolve(__dirname, '../..');

let stack: Stack;
let browser: Browser;
const tokens: Record<'admin' | 'viewer' | 'revoked', string> = { admin: '', viewer: '', revoked: '' };

function adminCommand(...args: string[]): string {
  const env = { ...process.env, GENLAB_DATA_DIR: stack.dataDir, GENLAB_LOG_LEVEL: 'warn' };
  return execFileSync(process.execPath, ['-r', join(ROOT, 'scripts/register-paths.cjs'), join(ROOT, 'dist/apps/admin/apps/admin/src/main.js'), ...args], { cwd: ROOT, env, encoding: 'utf8' });
}

beforeAll(async () => {
  stack = await startStack({ dashboard: true, extraEnv: { GENLAB_AUTH: 'tokens' } });
  const make = (role: string, name: string) => {
    const out = adminCommand('tokens', 'create', '--role', role, '--name', name);
    return { token: /(glt_[A-Za-z0-9_-]+)/.exec(out)![1]!, id: /token ([0-9a-f-]{36})/.exec(out)![1]! };
  };
  tokens.admin = make('admin', 'root').token;
  tokens.viewer = make('viewer', 'vera').token;
  const revoked = make('viewer', 'gone');
  adminCommand('tokens', 'revoke', revoked.id);
  tokens.revoked = revoked.token;
  const { training } = createGenlabClients(stack.addresses, { token: tokens.admin });
  await unary(training.createExperiment, training, { name: 'signed-in-only', description: 'visible after signing in' });
  training.close();
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('dashboard sign-in (GENLAB_AUTH=tokens)', () => {
  it('sends a visitor to sign in, refuses a revoked token, and shows the pages with a valid one', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.dashboardUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.fill('input[name=token]', tokens.revoked);
    await page.click('button[type=submit]');
    await expect(page.getByTestId('sign-in-error').textContent()).resolves.toContain('not valid');
    await saveScreenshot(page, 'sign-in-refused', { fullPage: false });

    await page.fill('input[name=token]', tokens.viewer);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.click('button[type=submit]')]);
    await expect(page.getByText('signed-in-only').first().textContent()).resolves.toContain('signed-in-only');
    await saveScreenshot(page, 'signed-in-viewer', { fullPage: false });

    // The session cookie is httpOnly: page scripts cannot read the token.
    expect(await page.evaluate<string>('document.cookie')).not.toContain('glt_');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'genlab_token');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.goto(`${stack.dashboardUrl}/sign-in`);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-out').waitFor({ state: 'detached' }); // signed out: the page no longer offers it
    await page.goto(`${stack.dashboardUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.close();
  });

  it('never redirects to another site after signing in', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.dashboardUrl}/sign-in?next=//evil.example/x`);
    await page.fill('input[name=token]', tokens.viewer);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.click('button[type=submit]')]);
    expect(new URL(page.url()).host).toBe(new URL(stack.dashboardUrl!).host);
    await page.close();
  });
});
