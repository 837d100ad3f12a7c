import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, unary } from '@genlab/client';
import { evaluationV1, trainingV1, type datasetsV1 } from '@genlab/contracts';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startStack, type Stack } from '../support/stack';

// The dashboard's pages against the real services and a real browser: the runs table and
// its query language, compare with the shared step slider, the new-run form, the
// leaderboard and the datasets pages. Runs are tiny (20 steps) so the suite stays short.

const SHARED_DATA = resolve(__dirname, '../../../shared/data');

let stack: Stack;
let browser: Browser;
let ring: datasetsV1.Dataset;
let mnist: datasetsV1.Dataset;
const runs: Record<'vae1' | 'vae4' | 'gan', trainingV1.Run> = {} as never;

// batchSize 500 on ring8's 3000 training points: 6 steps an epoch, so checkpoints (and
// sample grids) at steps 6, 12, 18 and 20.
const TINY = { batchSize: 500, maxSteps: 20 };

async function train(experimentId: string, family: string, config: object, seed: number): Promise<trainingV1.Run> {
  const { training } = stack.clients;
  const run = await unary(training.startRun, training, { experimentId, datasetId: ring.id, family, configJson: JSON.stringify(config), seed });
  const final = (await collect(training.streamRunEvents({ runId: run.id, includeHistory: false }))).at(-1)!.status!;
  expect(final.status, `${family}: ${final.error}`).toBe(trainingV1.RunStatus.RUN_STATUS_COMPLETED);
  return final;
}

async function evaluate(runId: string, fields: Partial<evaluationV1.EvaluateRequest>): Promise<void> {
  const { evaluation } = stack.clients;
  const done = await unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.create({ runId, ...fields }), { deadlineMs: 300_000 });
  expect(done.status, done.error).toBe(evaluationV1.EvaluationStatus.EVALUATION_STATUS_COMPLETED);
}

const screenshot = (page: Page, name: string) => saveScreenshot(page, `dashboard-${name}`);

/** Every <img> under the locator has loaded with real pixels. */
async function imagesLoaded(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluateAll((images) =>
    images.length > 0 && images.every((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0),
  );
}

const rowFamilies = (page: Page) => page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-family')).sort());

beforeAll(async () => {
  stack = await startStack({ dashboard: true, importRoot: SHARED_DATA });
  browser = await launchBrowser();
  const { datasets, training } = stack.clients;
  ring = await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 4000, seed: 3, testCount: 1000 });
  mnist = await unary(datasets.importIdx, datasets, {
    name: 'mnist-10k',
    imagesPath: 'mnist/t10k-images-idx3-ubyte.gz',
    labelsPath: 'mnist/t10k-labels-idx1-ubyte.gz',
    testCount: 2000,
  });
  const sweep = await unary(training.createExperiment, training, { name: 'ring8-sweep', description: 'a beta sweep and a GAN' });
  const vae = { likelihood: 'gaussian', latentDim: 2, hiddenDims: [32], ...TINY };
  runs.vae1 = await train(sweep.id, 'vae', { ...vae, beta: 1 }, 1);
  runs.vae4 = await train(sweep.id, 'vae', { ...vae, beta: 4 }, 2);
  runs.gan = await train(sweep.id, 'dcgan', { architecture: 'mlp', ...TINY }, 3);
  await evaluate(runs.vae1.id, { maxExamples: 300, iwaeK: 10 });
  await evaluate(runs.gan.id, { numSamples: 300 });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('dashboard pages', () => {
  it('filters the runs table with an OR query, explains a bad query, keeps filters in the URL for the back button, and exports', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${stack.dashboardUrl}/runs`);
    expect(await rowFamilies(page)).toEqual(['dcgan', 'vae', 'vae']);

    await page.getByTestId('query-input').fill('family = "dcgan" or params.beta >= 4');
    await page.getByTestId('query-submit').click();
    await page.waitForURL(/q=family/);
    await expect.poll(() => rowFamilies(page)).toEqual(['dcgan', 'vae']);
    expect(await page.locator(`[data-run="${runs.vae4.id}"]`).count()).toBe(1);
    await screenshot(page, 'runs-filtered');

    // An OR across a metric and an attribute: the evaluated VAE (neg_elbo) or the GAN.
    await page.getByTestId('query-input').fill('metrics.neg_elbo < 1000 or family = "dcgan"');
    await page.getByTestId('query-submit').click();
    await expect.poll(() => page.getByTestId('run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')).sort())).toEqual(
      [runs.vae1.id, runs.gan.id].sort(),
    );
    expect(await page.locator(`[data-run="${runs.vae1.id}"] [data-metric="neg_elbo"]`).textContent()).toMatch(/^\d+\.\d+ nats$/);
    expect(await page.locator(`[data-run="${runs.gan.id}"] [data-metric="neg_elbo"]`).textContent()).toBe('—');

    await page.getByTestId('query-input').fill('family = vae or (seed > 1');
    await page.getByTestId('query-submit').click();
    const error = page.getByTestId('query-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/at column 10, found 'vae': quote text/);
    expect(await error.getAttribute('data-position')).toBe('9');
    await screenshot(page, 'runs-query-error');

    await page.goBack();
    await page.waitForURL(/neg_elbo/);
    await expect.poll(() => page.getByTestId('query-input').inputValue()).toBe('metrics.neg_elbo < 1000 or family = "dcgan"');
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2);
    await page.goBack();
    await expect.poll(() => page.getByTestId('query-input').inputValue()).toBe('family = "dcgan" or params.beta >= 4');

    // Sorted by beta (runs without one last), and exported in the order the table shows.
    await page.locator('[data-testid="sort-column"][data-field="params.beta"]').click();
    await page.waitForURL(/sort=params.beta/);
    const csvHref = await page.getByTestId('export-csv').getAttribute('href');
    const csv = await (await fetch(`${stack.dashboardUrl}${csvHref}`)).text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,experiment,family,dataset,status,seed,steps,created,/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(runs.vae4.id);
    expect(lines[2]).toContain(runs.gan.id); // no beta: last
    const json = (await (await fetch(`${stack.dashboardUrl}${await page.getByTestId('export-json').getAttribute('href')}`)).json()) as {
      rows: { id: string; params: { beta?: number } }[];
    };
    expect(json.rows.map((r) => r.id)).toEqual([runs.vae4.id, runs.gan.id]);
    expect(json.rows[0]!.params.beta).toBe(4);
    await page.close();
  });

  it('compares two runs: overlaid curves and their sample grids at one step, moved by the shared slider', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${stack.dashboardUrl}/runs?q=${encodeURIComponent('family = "vae"')}`);
    for (const run of [runs.vae1, runs.vae4]) await page.locator(`[data-run="${run.id}"] [data-testid="compare-checkbox"]`).check();
    await page.getByTestId('compare-selected').click();
    await page.waitForURL(/\/compare\?/);
    expect(await page.locator('[data-testid="loss-chart"] path[data-key]').count()).toBe(2);

    const gridSteps = () => page.getByTestId('compare-grid').evaluateAll((figures) => figures.map((f) => f.getAttribute('data-step')));
    const gridSources = () => page.locator('[data-testid="compare-grid"] img').evaluateAll((images) => images.map((i) => i.getAttribute('src')));
    expect(await gridSteps()).toEqual(['20', '20']); // starts at the last step
    const atEnd = await gridSources();

    const slider = page.getByTestId('step-slider');
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(gridSteps).toEqual(['6', '6']);
    await page.waitForURL(/step=6/);
    const atStart = await gridSources();
    expect(atStart.every((src, i) => src !== atEnd[i])).toBe(true);
    await page.keyboard.press('ArrowRight');
    await expect.poll(gridSteps).toEqual(['12', '12']);
    expect(await page.getByTestId('slider-step').textContent()).toBe('12');
    await expect.poll(() => imagesLoaded(page, '[data-testid="compare-grid"] img'), { timeout: 30_000 }).toBe(true);
    await screenshot(page, 'compare');

    // The step is part of the address (written once the slider settles): a reload shows the same step.
    await page.waitForURL(/step=12/);
    await page.reload();
    await expect.poll(gridSteps).toEqual(['12', '12']);
    await page.close();
  });

  it('lists experiments with their runs by status and last activity, and creates one from the form (a taken name refused beside the field)', async () => {
    const { training } = stack.clients;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.dashboardUrl}/`);
    const sweepRow = page.locator('[data-testid="experiment-row"]', { hasText: 'ring8-sweep' });
    await sweepRow.waitFor();
    // Three completed runs; the last activity is the last run's end, not the experiment's creation.
    expect(await sweepRow.getByTestId('status-summary').locator('[data-status]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-status'), e.getAttribute('data-count')]))).toEqual([
      ['completed', '3'],
    ]);
    const experiment = (await unary(training.listExperiments, training, { pageSize: 100, offset: 0 })).experiments.find((e) => e.name === 'ring8-sweep')!;
    const lastFinish = Math.max(...[runs.vae1!, runs.vae4!, runs.gan!].map((r) => Number(r.finishTime!.seconds) * 1000 + r.finishTime!.nanos / 1e6));
    const lastActivity = Number(experiment.lastActivityTime!.seconds) * 1000 + experiment.lastActivityTime!.nanos / 1e6;
    expect(lastActivity).toBeGreaterThanOrEqual(Math.floor(lastFinish));
    expect(experiment.runStatusCounts).toEqual([{ status: trainingV1.RunStatus.RUN_STATUS_COMPLETED, count: 3 }]);

    const form = page.getByTestId('new-experiment-form');
    await form.getByLabel('Experiment name').fill('ring8-sweep');
    await form.getByTestId('create-experiment').click();
    await expect.poll(() => form.getByTestId('field-error').textContent()).toBe("an experiment named 'ring8-sweep' already exists: pick another name");
    await form.getByLabel('Experiment name').fill('made-in-the-dashboard');
    await form.getByLabel('Description').fill('created from the experiments page');
    await form.getByTestId('create-experiment').click();
    await page.waitForURL(/\/experiments\/[0-9a-f-]{36}$/);
    expect(await page.locator('h1').textContent()).toBe('made-in-the-dashboard');
    expect(await page.getByTestId('runs-empty').count()).toBe(1);
    await screenshot(page, 'experiment-created');
    await page.close();
  });

  it('starts a run from the form generated from the family schema, with the schema and the service checking the fields', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.dashboardUrl}/runs/new?dataset=${ring.id}`);
    await page.locator('input[name="family"][value="vae"]').check();
    await page.locator('#config-likelihood').selectOption('gaussian');
    await page.locator('#config-latentDim').fill('0');
    expect(await page.locator('[data-field="latentDim"] [data-testid="field-error"]').textContent()).toBe('must be an integer from 1 to 4096');
    await page.locator('#config-latentDim').fill('2');
    await page.locator('#config-hiddenDims').fill('16');
    await page.locator('#config-batchSize').fill('5000');
    await page.locator('#config-maxSteps').fill('12');
    await page.locator('input[name="newExperiment"]').fill('from-the-form');
    await page.getByTestId('start-run').click();
    const refusal = page.locator('[data-field="batchSize"] [data-testid="field-error"]');
    await refusal.waitFor({ timeout: 30_000 });
    expect(await refusal.textContent()).toMatch(/fewer than one batch \(batchSize 5000\): set batchSize to at most 3000/);
    expect(await page.locator('#config-likelihood').inputValue()).toBe('gaussian'); // the form keeps what was typed
    await screenshot(page, 'new-run-refused');

    await page.locator('#config-batchSize').fill('500');
    await page.getByTestId('start-run').click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const runId = page.url().split('/').at(-1)!;
    const { training } = stack.clients;
    const run = await unary(training.getRun, training, { id: runId });
    expect(run).toMatchObject({ family: 'vae', datasetId: ring.id, seed: 1, totalSteps: 12 });
    expect(JSON.parse(run.configJson)).toMatchObject({ likelihood: 'gaussian', latentDim: 2, hiddenDims: [16], batchSize: 500, maxSteps: 12 });
    const experiment = await unary(training.getExperiment, training, { id: run.experimentId });
    expect(experiment.name).toBe('from-the-form');
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 120_000 }).toMatch(/completed/);
    await page.getByTestId('checkpoints').waitFor({ timeout: 30_000 }); // the page refreshes once the run has ended

    // Evaluate it from its page: the evaluation is queued, and the page shows its results when done.
    await page.getByTestId('evaluate-button').click();
    await page.locator('[data-testid="evaluation-row"][data-metric="neg_elbo"]').first().waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('evaluations').textContent()).toMatch(/iwae-100/);
    await screenshot(page, 'run-from-form');
    await page.close();
  });

  it('ranks explicit and implicit families on one leaderboard with the real-data floor, sortable; an empty one says how to get rows', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${stack.dashboardUrl}/datasets/${ring.id}/leaderboard`);
    const families = () => page.getByTestId('leaderboard-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-family')));
    // The two VAEs (one evaluated from its run page in the previous test) and the GAN.
    expect((await families()).sort()).toEqual(['dcgan', 'vae', 'vae']);
    const floor = page.getByTestId('leaderboard-floor');
    expect(await floor.locator('[data-metric="fid"]').textContent()).toMatch(/^\d+\.\d+$/);
    const table = await page.getByTestId('leaderboard').textContent();
    expect(table).toMatch(/nats/);
    expect(table).toMatch(/iwae-10/);
    expect(table).toMatch(/kid-\d+x\d+/);
    await screenshot(page, 'leaderboard');

    // Sort by neg_elbo: the VAEs have it, the GAN does not and goes last; then by fid: the other way round.
    await page.locator('[data-testid="sort-column"]', { hasText: 'neg_elbo' }).click();
    await page.waitForURL(/sort=neg_elbo/);
    await expect.poll(families).toEqual(['vae', 'vae', 'dcgan']);
    await page.locator('[data-testid="sort-column"]', { hasText: /^fid/ }).click();
    await page.waitForURL(/sort=fid/);
    await expect.poll(families).toEqual(['dcgan', 'vae', 'vae']);
    await page.getByRole('link', { name: 'bits/dim' }).click();
    await page.waitForURL(/unit=bits/);
    expect(await page.getByTestId('leaderboard').textContent()).toMatch(/bits\/dim/);

    await page.goto(`${stack.dashboardUrl}/datasets/${mnist.id}/leaderboard`);
    expect(await page.getByTestId('leaderboard-empty').textContent()).toMatch(/evaluate it/);
    await page.close();
  });

  it('lists datasets and shows their statistics, a preview grid of images and a scatter plot of 2-D points', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.dashboardUrl}/datasets`);
    expect(await page.getByTestId('dataset-row').count()).toBe(2);
    await expect.poll(() => imagesLoaded(page, '.thumb'), { timeout: 30_000 }).toBe(true);
    await screenshot(page, 'datasets');

    await page.getByRole('link', { name: 'mnist-10k' }).click();
    await page.waitForURL(new RegExp(`/datasets/${mnist.id}$`));
    expect(await page.getByTestId('dataset-facts').textContent()).toMatch(/28 × 28 × 1.*8,000 train, 2,000 test.*10 classes/s);
    expect(await page.getByTestId('class-counts').locator('li').count()).toBe(10);
    await expect.poll(() => imagesLoaded(page, '[data-testid="dataset-preview"]'), { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId('dataset-preview').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(200);
    await screenshot(page, 'dataset-mnist');

    await page.goto(`${stack.dashboardUrl}/datasets/${ring.id}`);
    const scatter = page.getByTestId('scatter-plot');
    expect(await scatter.getAttribute('data-points')).toBe('512');
    expect(await scatter.locator('circle').count()).toBe(512);
    await screenshot(page, 'dataset-ring8');
    await page.close();
  });
});
