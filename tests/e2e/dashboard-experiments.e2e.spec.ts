import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unary } from '@genlab/client';
import { openDatabase, type Database, type NewEvaluationResult, type Run } from '@genlab/db';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { createPrivateDatabase, type PrivateDatabase } from '../support/postgres';
import { startStack, type Stack } from '../support/stack';
import { completedEvaluation, completedRun } from '../support/stored-runs';

// The dashboard's views for generative vs discriminative classification and latent
// structure (issue #10), against the real services and a real browser: the experiment
// page's accuracy-vs-labels chart and the run page's latent scatter. The runs, evaluations
// and projection artifact are written with the db library (what the training and evaluation
// services store), so the numbers drawn can be checked against hand-computed means and stds
// without training anything.


let stack: Stack;
let database: PrivateDatabase;
let db: Database;
let browser: Browser;
let datasetId: string;
let labelsExperimentId: string;
let plainExperimentId: string;
let projectedRun: Run;
let bareRun: Run;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A completed run with one checkpoint at step 10, as the training service leaves it. */
const completedRunOf = (experimentId: string, family: string, config: Record<string, number | string>, seed: number) =>
  completedRun(db, { experimentId, datasetId, family, config, seed, totalSteps: 10 });

const accuracy = (estimator: string, value: number, features = ''): NewEvaluationResult => ({ metric: 'accuracy', unit: 'fraction', estimator, value, sampleCount: 1000, features });
const classifierResults = (generative: number, discriminative: number | undefined): NewEvaluationResult[] => [
  accuracy('generative (iwae-100)', generative),
  { metric: 'label_nll', unit: 'nats', estimator: 'generative (iwae-100)', value: 0.5, sampleCount: 1000 },
  ...(discriminative === undefined ? [] : [accuracy('discriminative (same labelled subset)', discriminative)]),
  accuracy('discriminative (dataset classifier)', 0.97, 'classifier:c@v1'),
];

const screenshot = (page: Page, name: string) => saveScreenshot(page, `dashboard-${name}`);

const PROJECTION = {
  count: 12,
  latentDim: 8,
  labels: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2],
  pca: Array.from({ length: 24 }, (_, i) => Math.round(Math.sin(i) * 1000) / 100),
  pcaExplainedVariance: [3, 1],
  umap: Array.from({ length: 24 }, (_, i) => Math.round(Math.cos(i * 1.7) * 500) / 100),
};

beforeAll(async () => {
  database = await createPrivateDatabase('genlab_dashboard');
  stack = await startStack({ services: ['datasets', 'training', 'evaluation'], dashboard: true, databaseUrl: database.url });
  browser = await launchBrowser();
  db = await openDatabase({ databaseUrl: database.url, dataDir: stack.dataDir });
  const { datasets, training } = stack.clients;
  datasetId = (await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 1200, seed: 3, testCount: 200 })).id;
  labelsExperimentId = (await unary(training.createExperiment, training, { name: 'labels-sweep', description: 'generative vs discriminative' })).id;
  plainExperimentId = (await unary(training.createExperiment, training, { name: 'no-labels', description: '' })).id;

  const cvae = { latentDim: 8, hiddenDims: '64' };
  // 100 labels, seeds 1-3: generative 0.6 0.7 0.8, discriminative 0.5 0.6 0.4.
  for (const [seed, generative, discriminative] of [
    [1, 0.6, 0.5],
    [2, 0.7, 0.6],
    [3, 0.8, 0.4],
  ] as const) {
    const { checkpointId } = await completedRunOf(labelsExperimentId, 'cvae', { ...cvae, labelledExamples: 100 }, seed);
    await completedEvaluation(db, checkpointId, ['generative_classifier'], classifierResults(generative, discriminative));
  }
  // 1000 labels, seeds 1-3: generative 0.90 0.94 0.92, discriminative 0.85 0.87 0.86; seed 3's first evaluation (0.2, 0.1) is superseded.
  for (const [seed, generative, discriminative] of [
    [1, 0.9, 0.85],
    [2, 0.94, 0.87],
  ] as const) {
    const { checkpointId } = await completedRunOf(labelsExperimentId, 'cvae', { ...cvae, labelledExamples: 1000 }, seed);
    await completedEvaluation(db, checkpointId, ['generative_classifier'], classifierResults(generative, discriminative));
  }
  const third = await completedRunOf(labelsExperimentId, 'cvae', { ...cvae, labelledExamples: 1000 }, 3);
  await completedEvaluation(db, third.checkpointId, ['generative_classifier'], classifierResults(0.2, 0.1));
  await completedEvaluation(db, third.checkpointId, ['generative_classifier'], classifierResults(0.92, 0.86));
  // Every label: adds no point.
  const full = await completedRunOf(labelsExperimentId, 'cvae', cvae, 1);
  await completedEvaluation(db, full.checkpointId, ['generative_classifier'], classifierResults(0.99, undefined));

  // A run with two latent projections (the newer one is shown) and a run with none.
  const vae = await completedRunOf(plainExperimentId, 'vae', { latentDim: 8 }, 5);
  projectedRun = vae.run;
  const older = await completedEvaluation(db, vae.checkpointId, ['latent_projection'], [
    { metric: 'pca_variance_explained', unit: 'fraction', estimator: 'pca-2', value: 0.5, sampleCount: 4 },
  ]);
  const small = { ...PROJECTION, count: 4, labels: [0, 1, 0, 1], pca: PROJECTION.pca.slice(0, 8), umap: PROJECTION.umap.slice(0, 8) };
  await db.artifacts.put(Buffer.from(JSON.stringify(small)), {
    kind: 'latent-projection',
    mediaType: 'application/json',
    runId: vae.run.id,
    meta: { evaluationId: older, checkpointId: vae.checkpointId, count: 4, seed: 1 },
  });
  await pause(15);
  const newer = await completedEvaluation(db, vae.checkpointId, ['latent_projection'], [
    { metric: 'pca_variance_explained', unit: 'fraction', estimator: 'pca-2', value: 0.8, sampleCount: 12 },
  ]);
  await db.artifacts.put(Buffer.from(JSON.stringify(PROJECTION)), {
    kind: 'latent-projection',
    mediaType: 'application/json',
    runId: vae.run.id,
    meta: { evaluationId: newer, checkpointId: vae.checkpointId, count: 12, seed: 7 },
  });
  bareRun = (await completedRunOf(plainExperimentId, 'vae', { latentDim: 8 }, 6)).run;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await db?.close();
  await stack?.stop();
  await database?.drop().catch(() => undefined);
});

interface DrawnPoint {
  series: string;
  labels: number;
  mean: number;
  std: number | null;
  seeds: number;
  title: string;
}

describe('dashboard: generative vs discriminative and latent structure', () => {
  it('draws accuracy vs number of labels: a series per family and classifier, means and stds over seeds, the all-labels reference', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${stack.dashboardUrl}/experiments/${labelsExperimentId}`);
    const chart = page.getByTestId('data-efficiency-chart');
    await chart.waitFor();
    const paths = await chart.locator('path[data-key]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-key'), e.getAttribute('data-points')]));
    expect(paths).toEqual([
      ['cvae · generative', '2'],
      ['cvae · discriminative', '2'],
    ]);
    const points: DrawnPoint[] = await chart.getByTestId('efficiency-point').evaluateAll((els) =>
      els.map((e) => ({
        series: e.getAttribute('data-series') ?? '',
        labels: Number(e.getAttribute('data-labels')),
        mean: Number(e.getAttribute('data-mean')),
        std: e.hasAttribute('data-std') ? Number(e.getAttribute('data-std')) : null,
        seeds: Number(e.getAttribute('data-seeds')),
        title: e.querySelector('title')?.textContent ?? '',
      })),
    );
    expect(points.map((p) => [p.series, p.labels, p.seeds])).toEqual([
      ['cvae · generative', 100, 3],
      ['cvae · generative', 1000, 3],
      ['cvae · discriminative', 100, 3],
      ['cvae · discriminative', 1000, 3],
    ]);
    // Hand-computed: mean and sample std over the three seeds.
    const expected = [
      [0.7, 0.1],
      [0.92, 0.02],
      [0.5, 0.1],
      [0.86, 0.01],
    ];
    points.forEach((p, i) => {
      expect(p.mean).toBeCloseTo(expected[i]![0]!, 9);
      expect(p.std).toBeCloseTo(expected[i]![1]!, 9);
    });
    expect(points[0]!.title).toBe('cvae · generative, 100 labels: 70.0% (± 10.0% std over 3 seeds; seeds 1, 2, 3)');
    // Error bars: three lines per point with a std.
    expect(await chart.locator('[data-testid="efficiency-point"] line').count()).toBe(12);
    const reference = chart.getByTestId('reference-line');
    expect(await reference.count()).toBe(1);
    expect(Number(await reference.getAttribute('data-value'))).toBeCloseTo(0.97, 9);
    expect(await page.getByTestId('data-efficiency-legend').locator('li').allTextContents()).toEqual([
      'cvae · generative (iwae-100)',
      'cvae · discriminative, same labels',
    ]);
    await screenshot(page, 'accuracy-vs-labels');

    // An experiment without labelledExamples runs has no chart.
    await page.goto(`${stack.dashboardUrl}/experiments/${plainExperimentId}`);
    await page.getByTestId('run-row').first().waitFor();
    expect(await page.getByTestId('data-efficiency').count()).toBe(0);
    await page.close();
  });

  it("shows the run's newest latent projection coloured by class, switches between PCA and UMAP, and shows nothing for a run without one", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${stack.dashboardUrl}/runs/${projectedRun.id}`);
    const figure = page.getByTestId('latent-projection');
    await figure.waitFor();
    expect(await figure.getAttribute('data-method')).toBe('pca');
    expect(await figure.getAttribute('data-count')).toBe('12');
    const scatter = figure.getByTestId('scatter-plot');
    expect(await scatter.getAttribute('data-points')).toBe('12');
    const circles = () => scatter.locator('circle').evaluateAll((els) => els.map((e) => [e.getAttribute('data-label'), e.getAttribute('cx'), e.getAttribute('cy')]));
    const pca = await circles();
    expect(pca.map(([label]) => label)).toEqual(PROJECTION.labels.map(String));
    const legend = figure.getByTestId('scatter-legend').locator('li');
    expect(await legend.evaluateAll((els) => els.map((e) => e.getAttribute('data-label')))).toEqual(['0', '1', '2']);
    expect(await legend.allTextContents()).toEqual(['class 0', 'class 1', 'class 2']);
    // 80% kept by both axes (the evaluation's pca_variance_explained), split 3:1.
    const axes = await scatter.locator('.chart-label').allTextContents();
    expect(axes).toEqual(['PC1 (60% of variance)', 'PC2 (20% of variance)']);
    expect(await figure.locator('figcaption').textContent()).toMatch(/12 test examples \(8-dimensional latent space\) by PCA, coloured by class; from step 10, seed 7/);
    await screenshot(page, 'latent-pca');

    await figure.getByTestId('projection-switch').getByRole('link', { name: 'UMAP' }).click();
    await page.waitForURL(/latent=umap/);
    await expect.poll(() => page.getByTestId('latent-projection').getAttribute('data-method')).toBe('umap');
    expect(await page.getByTestId('latent-projection').getByTestId('scatter-plot').locator('.chart-label').allTextContents()).toEqual(['UMAP 1', 'UMAP 2']);
    const umap = await page.getByTestId('latent-projection').getByTestId('scatter-plot').locator('circle').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-label'), e.getAttribute('cx'), e.getAttribute('cy')]),
    );
    expect(umap).toHaveLength(12);
    expect(umap.map(([label]) => label)).toEqual(PROJECTION.labels.map(String));
    expect(umap.map(([, cx, cy]) => `${cx},${cy}`)).not.toEqual(pca.map(([, cx, cy]) => `${cx},${cy}`));
    await screenshot(page, 'latent-umap');

    await page.goto(`${stack.dashboardUrl}/runs/${bareRun.id}`);
    await page.getByTestId('checkpoints').waitFor();
    expect(await page.getByTestId('latent-projection').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Latent space' }).count()).toBe(0);
    await page.close();
  });

  it('starts the data-efficiency comparison from the experiment page: field errors first, then the sweep, landing back on the experiment', async () => {
    const { training } = stack.clients;
    const experimentId = (await unary(training.createExperiment, training, { name: 'labels-from-the-form', description: '' })).id;
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${stack.dashboardUrl}/experiments/${experimentId}`);
    await page.getByTestId('data-efficiency-link').click();
    await page.waitForURL(/\/data-efficiency$/);
    const form = page.getByTestId('data-efficiency-form');
    // ring8 has 1,000 training examples: the defaults offer the template's sizes that fit.
    expect(await form.getByLabel('Label counts').inputValue()).toBe('100, 300, 1000');

    await form.getByLabel('Label counts').fill('16, 0');
    await form.getByTestId('start-sweep').click();
    await expect.poll(() => form.getByTestId('field-error').allTextContents()).toEqual(["'0' is not a label count (an integer from 1 to 10000000)"]);

    // The training service's own refusal (more labels than the training split) comes back on the form.
    // ring8's points lie outside [0, 1]: a Gaussian likelihood, through the extra config.
    await form.getByLabel('Other config').fill('{"likelihood": "gaussian", "hiddenDims": [16]}');
    await form.getByLabel('Label counts').fill('16, 5000');
    await form.getByTestId('start-sweep').click();
    await expect.poll(() => form.getByTestId('form-errors').textContent()).toMatch(/5000 is more than the 1000 examples of the training split/);
    await screenshot(page, 'data-efficiency-form');

    await form.getByLabel('Label counts').fill('16, 64');
    await form.getByLabel('Seeds').fill('0');
    await form.getByLabel('Steps per run').fill('20');
    await form.getByTestId('start-sweep').click();
    await page.waitForURL(new RegExp(`/experiments/${experimentId}$`));
    const runs = (await unary(training.listRuns, training, { experimentId, pageSize: 10, offset: 0 })).runs;
    expect(runs.map((r) => JSON.parse(r.configJson)).map((c) => [c.labelledExamples, c.conditional, c.maxSteps]).sort()).toEqual([
      [16, true, 20],
      [64, true, 20],
    ]);
    expect(await page.getByTestId('run-row').count()).toBe(2);
    await page.close();
  });
});
