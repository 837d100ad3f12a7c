import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, unary } from '@genlab/client';
import { trainingV1, type datasetsV1 } from '@genlab/contracts';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startStack, type Stack } from '../support/stack';

// The runs table searched by the training service (SearchRuns) and annotated in place
// (UpdateRun): an OR query across a metric, a param and an attribute; a tag added inline
// and filtered on; notes edited in the table and on the run page. Real services, real browser.


let stack: Stack;
let browser: Browser;
let ring: datasetsV1.Dataset;
let experimentId = '';
const runs: Record<'vae1' | 'vae4' | 'gan', trainingV1.Run> = {} as never;
const TINY = { batchSize: 500, maxSteps: 8 };

async function train(family: string, config: object, seed: number): Promise<trainingV1.Run> {
  const { training } = stack.clients;
  const run = await unary(training.startRun, training, { experimentId, datasetId: ring.id, family, configJson: JSON.stringify(config), seed });
  const final = (await collect(training.streamRunEvents({ runId: run.id, includeHistory: false }))).at(-1)!.status!;
  expect(final.status, `${family}: ${final.error}`).toBe(trainingV1.RunStatus.RUN_STATUS_COMPLETED);
  return final;
}

const rowIds = (page: Page) => page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')).sort());
const row = (page: Page, run: trainingV1.Run) => page.locator(`[data-testid="run-row"][data-run="${run.id}"]`);

async function filter(page: Page, query: string): Promise<void> {
  await page.getByTestId('query-input').fill(query);
  await page.getByTestId('query-submit').click();
  await page.waitForURL((url) => url.searchParams.get('q') === query);
}

beforeAll(async () => {
  stack = await startStack({ dashboard: true });
  browser = await launchBrowser();
  const { datasets, training } = stack.clients;
  ring = await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 4000, seed: 3, testCount: 1000 });
  experimentId = (await unary(training.createExperiment, training, { name: 'tagged', description: '' })).id;
  const vae = { likelihood: 'gaussian', latentDim: 2, hiddenDims: [16], ...TINY };
  runs.vae1 = await train('vae', { ...vae, beta: 1 }, 1);
  runs.vae4 = await train('vae', { ...vae, beta: 4 }, 2);
  runs.gan = await train('dcgan', { architecture: 'mlp', ...TINY }, 3);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('runs table: server-side search, tags and notes', () => {
  it('filters with an OR query evaluated by the training service', async () => {
    const query = 'family = "dcgan" or (params.beta >= 4 and metrics.train/loss < 1000000)';
    const { training } = stack.clients;
    const searched = await unary(training.searchRuns, training, { experimentId, query, sort: 'seed', descending: false, offset: 0, pageSize: 50 });
    expect(searched.results.map((r) => r.run!.id)).toEqual([runs.vae4.id, runs.gan.id]);
    expect(searched).toMatchObject({ totalMatched: 2, total: 3 });
    expect(Object.keys(searched.results[0]!.metrics)).toContain('train/loss');
    await expect(unary(training.searchRuns, training, { experimentId, query: 'family = vae', sort: '', descending: false, offset: 0, pageSize: 50 })).rejects.toMatchObject({
      details: expect.stringMatching(/^query: .*at column 10, found 'vae': quote text/),
    });

    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    await page.goto(`${stack.dashboardUrl}/runs?experiment=${experimentId}`);
    expect(await rowIds(page)).toEqual([runs.vae1.id, runs.vae4.id, runs.gan.id].sort());
    await filter(page, query);
    await expect.poll(() => rowIds(page)).toEqual([runs.vae4.id, runs.gan.id].sort());
    expect(await page.getByTestId('runs-count').textContent()).toMatch(/2 of 3 runs match/);
    await saveScreenshot(page, 'dashboard-runs-or-query');
    await page.close();
  });

  it('adds a tag inline, filters by it, exports the match, and removes the tag', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    await page.goto(`${stack.dashboardUrl}/runs?experiment=${experimentId}`);
    await row(page, runs.vae1).getByTestId('tag-add').click();
    await row(page, runs.vae1).getByTestId('tag-input').fill('team=vision');
    await row(page, runs.vae1).getByTestId('tag-submit').click();
    await row(page, runs.vae1).locator('[data-testid="tag-chip"][data-key="team"]').waitFor();

    // A bad key is refused with the rule, and nothing is stored.
    await row(page, runs.vae4).getByTestId('tag-add').click();
    await row(page, runs.vae4).getByTestId('tag-input').fill('no spaces=x');
    await row(page, runs.vae4).getByTestId('tag-submit').click();
    expect(await row(page, runs.vae4).getByTestId('tag-error').textContent()).toMatch(/key is 1 to 64 letters/);

    const { training } = stack.clients;
    expect((await unary(training.getRun, training, { id: runs.vae1.id })).tags).toEqual({ team: 'vision' });
    expect((await unary(training.getRun, training, { id: runs.vae4.id })).tags).toEqual({});

    await filter(page, 'tags.team = "vision"');
    await expect.poll(() => rowIds(page)).toEqual([runs.vae1.id]);
    expect(await row(page, runs.vae1).getByTestId('tag-chip').textContent()).toContain('vision');
    await saveScreenshot(page, 'dashboard-runs-tag-filter');
    const exported = await fetch(`${stack.dashboardUrl}${await page.getByTestId('export-csv').getAttribute('href')}`);
    const csv = await exported.text();
    expect(exported.status, csv).toBe(200);
    expect(csv.trim().split('\r\n')).toHaveLength(2);
    expect(csv).toContain(runs.vae1.id);

    await row(page, runs.vae1).getByTestId('tag-remove').click();
    await expect.poll(async () => (await unary(training.getRun, training, { id: runs.vae1.id })).tags).toEqual({});
    await page.reload();
    await expect.poll(() => page.getByTestId('runs-no-match').count()).toBe(1);
    await page.close();
  });

  it('edits notes in the table row and on the run page', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    await page.goto(`${stack.dashboardUrl}/runs?experiment=${experimentId}`);
    await row(page, runs.gan).getByTestId('notes-edit').click();
    await row(page, runs.gan).getByTestId('notes-input').fill('mode collapse after step 6?');
    await row(page, runs.gan).getByTestId('notes-save').click();
    await expect.poll(() => row(page, runs.gan).getByTestId('notes-text').textContent()).toBe('mode collapse after step 6?');

    await page.goto(`${stack.dashboardUrl}/runs/${runs.gan.id}`);
    expect(await page.getByTestId('notes-text').textContent()).toBe('mode collapse after step 6?');
    await page.getByTestId('notes-edit').click();
    await page.getByTestId('notes-input').fill('mode collapse after step 6?\nNo: the ring is covered at step 8.');
    await page.getByTestId('notes-save').click();
    await page.getByTestId('notes-text').waitFor();
    await page.reload();
    expect(await page.getByTestId('notes-text').textContent()).toBe('mode collapse after step 6?\nNo: the ring is covered at step 8.');
    await saveScreenshot(page, 'dashboard-run-notes');
    const { training } = stack.clients;
    expect((await unary(training.getRun, training, { id: runs.gan.id })).notes).toMatch(/ring is covered/);
    await page.close();
  });
});
