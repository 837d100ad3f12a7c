import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unary } from '@genlab/client';
import { openDatabase, type Database, type Run } from '@genlab/db';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { createPrivateDatabase, type PrivateDatabase } from '../support/postgres';
import { startStack, type Stack } from '../support/stack';
import { completedEvaluation, completedRun } from '../support/stored-runs';

// The compare page's grouped curves (mean ± std over seeds) and parallel coordinates
// (issue #7), against the real services and a real browser. Runs, their training curves and
// evaluations are written with the db library (what the training and evaluation services
// store), so the drawn means and stds can be checked against hand-computed ones.


let stack: Stack;
let database: PrivateDatabase;
let db: Database;
let browser: Browser;
let datasetId: string;
let experimentId: string;
/** beta 1 seed 1, beta 1 seed 2, beta 4 seed 1, beta 4 seed 2, then beta 2 with another optimizer. */
const runs: Run[] = [];

/**
 * A completed run with a train/loss curve (`[step, value]`) and, when `testNll` is given, a
 * completed evaluation of its checkpoint.
 */
async function seededRun(config: Record<string, number | string>, seed: number, curve: Array<[number, number]>, testNll?: number): Promise<Run> {
  const { run, checkpointId } = await completedRun(db, { experimentId, datasetId, family: 'vae', config, seed, totalSteps: 30, curve });
  if (testNll !== undefined) {
    await completedEvaluation(db, checkpointId, ['test_nll'], [{ metric: 'test_nll', unit: 'nats', estimator: 'iwae-100', value: testNll, sampleCount: 200, stdError: 0.5 }]);
  }
  return run;
}

const screenshot = (page: Page, name: string) => saveScreenshot(page, `dashboard-${name}`);

const compareUrl = (ids: string[], extra = '') => `${stack.dashboardUrl}/compare?${ids.map((id) => `run=${id}`).join('&')}${extra}`;

beforeAll(async () => {
  database = await createPrivateDatabase('genlab_compare');
  stack = await startStack({ services: ['datasets', 'training', 'evaluation'], dashboard: true, databaseUrl: database.url });
  browser = await launchBrowser();
  db = await openDatabase({ databaseUrl: database.url, dataDir: stack.dataDir });
  const { datasets, training } = stack.clients;
  datasetId = (await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 600, seed: 3, testCount: 100 })).id;
  experimentId = (await unary(training.createExperiment, training, { name: 'beta-sweep', description: 'beta × seed' })).id;

  const base = { latentDim: 8, optimizer: 'adam' };
  // beta 1: seed 2 logs one step more; shared steps 0 10 20 -> means 12 7 4.5, stds 2.828 1.414 0.7071.
  runs.push(await seededRun({ ...base, beta: 1 }, 1, [[0, 10], [10, 6], [20, 4]], 90));
  runs.push(await seededRun({ ...base, beta: 1 }, 2, [[0, 14], [10, 8], [20, 5], [30, 3]], 92));
  // beta 4: seed 2 logs every 5 steps; shared steps 0 10 20 -> means 21 14 10, std at 20: 1.414.
  runs.push(await seededRun({ ...base, beta: 4 }, 1, [[0, 20], [10, 15], [20, 11]], 100));
  runs.push(await seededRun({ ...base, beta: 4 }, 2, [[0, 22], [5, 18], [10, 13], [15, 10], [20, 9]], 104));
  // One run alone in its group, another optimizer, never evaluated.
  runs.push(await seededRun({ ...base, beta: 2, optimizer: 'sgd' }, 1, [[0, 16], [10, 9], [20, 7]]));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await db?.close();
  await stack?.stop();
  await database?.drop().catch(() => undefined);
});

const groupCurves = (page: Page) =>
  page.getByTestId('group-curve').evaluateAll((els) =>
    els.map((g) => {
      const path = g.querySelector('path');
      return {
        key: path?.getAttribute('data-key') ?? '',
        runs: Number(path?.getAttribute('data-runs')),
        points: Number(path?.getAttribute('data-points')),
        step: Number(g.getAttribute('data-final-step')),
        mean: Number(g.getAttribute('data-final-mean')),
        std: g.getAttribute('data-final-std') === '' ? null : Number(g.getAttribute('data-final-std')),
        title: path?.querySelector('title')?.textContent ?? '',
      };
    }),
  );

const pcLines = (page: Page) =>
  page.getByTestId('pc-line').evaluateAll((els) =>
    els.map((e) => ({ run: e.getAttribute('data-run'), value: e.getAttribute('data-value'), color: e.getAttribute('data-color'), title: e.querySelector('title')?.textContent ?? '' })),
  );

describe('dashboard compare: grouped curves and parallel coordinates', () => {
  it('groups 2 betas × 2 seeds into two mean curves with std bands, and lays the runs out against test_nll; both choices are deep links the back button undoes', async () => {
    const ids = runs.slice(0, 4).map((r) => r.id);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
    await page.goto(compareUrl(ids));
    // Runs that differ only by their seed are grouped without being asked.
    await page.getByTestId('grouped-chart').waitFor();
    expect(await page.getByTestId('group-by').inputValue()).toBe('seed');
    expect(await page.getByTestId('group-legend').locator('li').allTextContents()).toEqual([
      'beta = 1 · 2 runs (seeds 1, 2)',
      'beta = 4 · 2 runs (seeds 1, 2)',
    ]);
    expect(await page.getByTestId('std-band').count()).toBe(2);

    // Parallel coordinates: beta is the one param that varies; the metric defaults to the evaluation result.
    const chart = page.getByTestId('parallel-coordinates');
    await chart.waitFor();
    expect(await chart.getByTestId('pc-axis').evaluateAll((els) => els.map((e) => [e.getAttribute('data-name'), e.getAttribute('data-kind')]))).toEqual([
      ['beta', 'numeric'],
      ['metric', 'numeric'],
    ]);
    expect(await chart.locator('[data-testid="pc-axis"] .chart-label').allTextContents()).toEqual(['beta', 'test_nll (nats; iwae-100)']);
    expect(await page.getByTestId('pc-metric').inputValue()).toBe('test_nll');
    const lines = await pcLines(page);
    expect(lines.map((l) => [l.run, l.value])).toEqual(ids.map((id, i) => [id, String([90, 92, 100, 104][i])]));
    // Lowest test_nll at the dark end of the scale, highest at the yellow end; the run's id on hover.
    expect(lines[0]!.color).toBe('#440154');
    expect(lines[3]!.color).toBe('#fde725');
    expect(lines[0]!.title).toBe(`${ids[0]!.slice(0, 8)} · vae: test_nll (nats; iwae-100) = 90.00 nats`);
    expect(await page.getByTestId('pc-scale').textContent()).toMatch(/90.*104.*colour: test_nll \(nats; iwae-100\) \(lower is better\)/);

    // Group by beta.
    await page.getByTestId('group-by').selectOption('beta');
    await page.waitForURL(/group=beta/);
    await page.getByTestId('grouped-chart').waitFor();
    const curves = await groupCurves(page);
    expect(curves.map((c) => [c.runs, c.points, c.step, c.title])).toEqual([
      [2, 3, 20, 'beta = 1 (2 runs)'],
      [2, 3, 20, 'beta = 4 (2 runs)'],
    ]);
    // Hand-computed at step 20: (4 + 5) / 2 = 4.5 with sample std 1/√2; (11 + 9) / 2 = 10 with std √2.
    expect(curves[0]!.mean).toBeCloseTo(4.5, 12);
    expect(curves[0]!.std).toBeCloseTo(Math.SQRT1_2, 12);
    expect(curves[1]!.mean).toBeCloseTo(10, 12);
    expect(curves[1]!.std).toBeCloseTo(Math.SQRT2, 12);
    const bands = page.getByTestId('std-band');
    expect(await bands.count()).toBe(2);
    expect(await bands.evaluateAll((els) => els.every((e) => /^M.*Z$/.test(e.getAttribute('d') ?? '')))).toBe(true);
    expect(await page.getByTestId('group-legend').locator('li').allTextContents()).toEqual([
      'beta = 1 · 2 runs (seeds 1, 2)',
      'beta = 4 · 2 runs (seeds 1, 2)',
    ]);
    await screenshot(page, 'compare-grouped');

    // The parallel-coordinates metric: the last logged train/loss.
    await page.getByTestId('pc-metric').selectOption('train/loss');
    await page.waitForURL(/pc=train%2Floss/);
    await expect.poll(async () => (await pcLines(page)).map((l) => l.value)).toEqual(['4', '3', '11', '9']);
    expect(page.url()).toMatch(/group=beta/);
    await screenshot(page, 'compare-parallel');

    // Back: test_nll again, still by beta; back again: the automatic grouping by seed.
    await page.goBack();
    await expect.poll(() => page.getByTestId('pc-metric').inputValue()).toBe('test_nll');
    expect(await page.getByTestId('group-by').inputValue()).toBe('beta');
    await page.goBack();
    await expect.poll(() => page.getByTestId('group-by').inputValue()).toBe('seed');
    expect(page.url()).not.toMatch(/group=/);

    // No grouping: one curve per run.
    await page.getByTestId('group-by').selectOption('none');
    await page.waitForURL(/group=none/);
    await page.getByTestId('loss-chart').waitFor();
    expect(await page.locator('[data-testid="loss-chart"] path[data-key]').count()).toBe(4);
    expect(await page.getByTestId('grouped-chart').count()).toBe(0);
    await page.close();
  });

  it('gives a group of one run no band, and a categorical axis for a param with text values', async () => {
    const ids = runs.map((r) => r.id);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
    await page.goto(compareUrl(ids, '&group=beta'));
    await page.getByTestId('grouped-chart').waitFor();
    expect((await groupCurves(page)).map((c) => [c.title, c.std === null])).toEqual([
      ['beta = 1 (2 runs)', false],
      ['beta = 2 (1 run)', true],
      ['beta = 4 (2 runs)', false],
    ]);
    expect(await page.getByTestId('std-band').count()).toBe(2);
    expect(await page.getByTestId('group-legend').locator('li').allTextContents()).toEqual([
      'beta = 1 · 2 runs (seeds 1, 2)',
      'beta = 2 · 1 run',
      'beta = 4 · 2 runs (seeds 1, 2)',
    ]);

    const chart = page.getByTestId('parallel-coordinates');
    expect(await chart.getByTestId('pc-axis').evaluateAll((els) => els.map((e) => [e.getAttribute('data-name'), e.getAttribute('data-kind')]))).toEqual([
      ['beta', 'numeric'],
      ['optimizer', 'categorical'],
      ['metric', 'numeric'],
    ]);
    expect(await chart.locator('[data-name="optimizer"] .pc-tick').allTextContents()).toEqual(['adam', 'sgd']);
    const lines = await pcLines(page);
    expect(lines).toHaveLength(5);
    // The unevaluated run: grey, through the "n/a" slot under the metric axis, said so on hover.
    expect(lines[4]).toMatchObject({ value: '', color: '#9ca3af' });
    expect(lines[4]!.title).toMatch(/test_nll \(nats; iwae-100\) not available$/);
    expect(await page.getByTestId('pc-metric').locator('option').allTextContents()).toEqual(['test_nll (nats; iwae-100) · 4 of 5 runs', 'train/loss (last logged)']);
    expect(await page.getByTestId('pc-scale').textContent()).toMatch(/1 run has no value/);
    await screenshot(page, 'compare-five-runs');
    await page.close();
  });
});
