import { readdirSync, statSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { status } from '@grpc/grpc-js';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, unary } from '@genlab/client';
import { datasetsV1, evaluationV1, generationV1, trainingV1 } from '@genlab/contracts';
import { initCompute, tf } from '@genlab/compute';
import { encodeIdx } from '@genlab/data';
import { loadModel } from '@genlab/models';
import { checkHealth, expectStatus, listServicesByReflection } from '../support/grpc';
import { startStack, type Stack } from '../support/stack';

// The foundation's slice, end to end: import MNIST → train a VAE → evaluate → generate →
// watch it on the dashboard, with real services, a real database and a real browser.

const SHARED_DATA = resolve(__dirname, '../../../shared/data');
const SCREENSHOTS = resolve(__dirname, '../../test-results/screenshots');
const CHROMIUM = process.env.GENLAB_CHROMIUM ?? '/usr/lib/chromium/chromium';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ dashboard: true, importRoot: SHARED_DATA });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

function artifactFiles(): string[] {
  const dir = join(stack.dataDir, 'artifacts');
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((name) => (statSync(join(d, name)).isDirectory() ? walk(join(d, name)) : [join(d, name)]));
  try {
    return walk(dir);
  } catch {
    return [];
  }
}

describe('the slice: data → train → evaluate → generate → dashboard', () => {
  const state: { mnist?: datasetsV1.Dataset; ring?: datasetsV1.Dataset; experiment?: trainingV1.Experiment; run?: trainingV1.Run } = {};

  it('serves health and reflection on every service', async () => {
    const expected = {
      datasets: 'genlab.datasets.v1.DatasetService',
      training: 'genlab.training.v1.TrainingService',
      evaluation: 'genlab.evaluation.v1.EvaluationService',
      generation: 'genlab.generation.v1.GenerationService',
    } as const;
    for (const [name, service] of Object.entries(expected)) {
      const address = stack.addresses[name as keyof typeof expected];
      expect(await checkHealth(address, service)).toBe('SERVING');
      expect(await checkHealth(address, '')).toBe('SERVING');
      const listed = await listServicesByReflection(address);
      expect(listed).toContain(service);
      expect(listed).toContain('grpc.health.v1.Health');
    }
  });

  it('imports MNIST from gzipped IDX files under the import root', async () => {
    const { datasets } = stack.clients;
    const mnist = await unary(datasets.importIdx, datasets, {
      name: 'mnist-10k',
      imagesPath: 'mnist/t10k-images-idx3-ubyte.gz',
      labelsPath: 'mnist/t10k-labels-idx1-ubyte.gz',
      testCount: 2000,
    });
    expect(mnist.numExamples).toBe(10_000);
    expect(mnist.shape).toEqual([28, 28, 1]);
    expect(mnist.numClasses).toBe(10);
    expect(mnist.trainCount).toBe(8000);
    expect(mnist.stats?.classCounts.reduce((a, b) => a + b, 0)).toBe(10_000);
    const preview = await unary(datasets.getPreview, datasets, { datasetId: mnist.id, count: 16, split: datasetsV1.Split.SPLIT_TRAIN, includePng: true });
    expect(preview.values.length).toBe(16 * 784 * 4);
    expect(preview.labels[0]).toBe(7); // the first test-set digit is a 7
    expect(preview.png.subarray(1, 4).toString()).toBe('PNG');
    state.mnist = mnist;
  });

  it('rejects malformed IDX with INVALID_ARGUMENT and writes nothing', async () => {
    const { datasets } = stack.clients;
    const before = await unary(datasets.listDatasets, datasets, { pageSize: 0, offset: 0 });
    const filesBefore = artifactFiles().length;
    const images = encodeIdx({ dtype: 'uint8', dims: [3, 2, 2], data: new Uint8Array(12) });
    const labels = encodeIdx({ dtype: 'uint8', dims: [2], data: new Uint8Array(2) });
    const upload = (chunks: datasetsV1.UploadIdxChunk[]) =>
      new Promise<datasetsV1.Dataset>((resolvePromise, reject) => {
        const stream = datasets.uploadIdx((error, response) => (error ? reject(error) : resolvePromise(response)));
        for (const chunk of chunks) stream.write(chunk);
        stream.end();
      });
    const header = { header: { name: 'bad', testCount: 1, hasLabels: true } };
    const wrongMagic = Buffer.from(images);
    wrongMagic[2] = 0x09;
    wrongMagic[3] = 0x07;
    await expectStatus(upload([header, { imagesChunk: wrongMagic }, { labelsChunk: labels }]), status.INVALID_ARGUMENT, /images.*(magic|type|dimension)/i);
    await expectStatus(upload([header, { imagesChunk: images.subarray(0, images.length - 5) }, { labelsChunk: labels }]), status.INVALID_ARGUMENT, /truncated|expected/i);
    await expectStatus(upload([header, { imagesChunk: images }, { labelsChunk: labels }]), status.INVALID_ARGUMENT, /2 labels.*3 images/);
    await expectStatus(upload([{ imagesChunk: images }]), status.INVALID_ARGUMENT, /header/);
    await expectStatus(
      unary(datasets.importIdx, datasets, { name: 'escape', imagesPath: '../../../etc/passwd', labelsPath: '', testCount: 0 }),
      status.INVALID_ARGUMENT,
      /outside the import root/,
    );
    const after = await unary(datasets.listDatasets, datasets, { pageSize: 0, offset: 0 });
    expect(after.total).toBe(before.total);
    expect(artifactFiles().length).toBe(filesBefore);
  });

  it('creates the synthetic ring8 dataset', async () => {
    const { datasets } = stack.clients;
    const ring = await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 4000, seed: 3, testCount: 1000 });
    expect(ring.shape).toEqual([2]);
    expect(ring.numClasses).toBe(8);
    expect(ring.stats?.max).toBeLessThan(2.2);
    expect(ring.stats?.min).toBeGreaterThan(-2.2);
    state.ring = ring;
    await expectStatus(unary(datasets.createSynthetic, datasets, { name: 'x', generator: 'moons', numExamples: 10, seed: 1, testCount: 0 }), status.INVALID_ARGUMENT, /ring8/);
  });

  it('answers NOT_FOUND for unknown ids and INVALID_ARGUMENT naming bad config fields', async () => {
    const { datasets, training, evaluation, generation } = stack.clients;
    await expectStatus(unary(datasets.getDataset, datasets, { id: 'no-such-dataset' }), status.NOT_FOUND, /no-such-dataset/);
    await expectStatus(unary(training.getRun, training, { id: 'no-such-run' }), status.NOT_FOUND);
    await expectStatus(unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.create({ runId: 'no-such-run', checkpointId: '', metrics: [], iwaeK: 0, maxExamples: 0 })), status.NOT_FOUND);
    await expectStatus(collect(generation.sample({ runId: 'no-such-run', checkpointId: '', count: 4, seed: 1, temperature: 0, chunkSize: 0, includePng: false, truncation: 0, diffusionSteps: 0 })), status.NOT_FOUND);
    const experiment = await unary(training.createExperiment, training, { name: 'mnist-vae', description: 'the foundation slice' });
    state.experiment = experiment;
    const start = (configJson: string, family = 'vae') =>
      unary(training.startRun, training, { experimentId: experiment.id, datasetId: state.mnist!.id, family, configJson, seed: 1 });
    await expectStatus(start('{"latentDim": -4, "beta": -1}'), status.INVALID_ARGUMENT, /latentDim[\s\S]*beta|beta[\s\S]*latentDim/);
    await expectStatus(start('{not json'), status.INVALID_ARGUMENT, /config_json/);
    await expectStatus(start('{}', 'flowz'), status.INVALID_ARGUMENT, /vae/);
    const runs = await unary(training.listRuns, training, { experimentId: experiment.id, pageSize: 0, offset: 0 });
    expect(runs.total).toBe(0);
  });

  it('trains a VAE: progress streamed, metric points stored, curve live on the dashboard, checkpoint saved', async () => {
    const { training } = stack.clients;
    const run = await unary(training.startRun, training, {
      experimentId: state.experiment!.id,
      datasetId: state.mnist!.id,
      family: 'vae',
      configJson: JSON.stringify({ maxSteps: 200 }),
      seed: 7,
    });
    expect(run.totalSteps).toBe(200);
    expect(JSON.parse(run.configJson)).toMatchObject({ latentDim: 20, hiddenDims: [400], batchSize: 128 });

    const events: trainingV1.RunEvent[] = [];
    const streamed = new Promise<void>((done, fail) => {
      const stream = training.streamRunEvents({ runId: run.id, includeHistory: true });
      stream.on('data', (event: trainingV1.RunEvent) => events.push(event));
      stream.on('end', () => done());
      stream.on('error', fail);
    });

    const page = await browser.newPage();
    await page.goto(`${stack.dashboardUrl}/runs/${run.id}`);
    const line = page.locator('[data-testid="loss-chart"] path[data-key="train/loss"]');
    const drawnPoints = async () => Number((await line.getAttribute('data-points', { timeout: 60_000 })) ?? 0);
    await expect.poll(drawnPoints, { timeout: 120_000, interval: 200 }).toBeGreaterThan(2);
    const early = await drawnPoints();
    await page.screenshot({ path: join(SCREENSHOTS, 'run-training.png'), fullPage: true });
    await expect.poll(drawnPoints, { timeout: 120_000, interval: 200 }).toBeGreaterThan(early);

    await streamed;
    const last = events.at(-1)!;
    expect(last.status?.status).toBe(trainingV1.RunStatus.RUN_STATUS_COMPLETED);
    expect(events[0]!.status).toBeDefined();
    expect(events.some((e) => e.progress && e.progress.stepsDone > 0)).toBe(true);
    expect(events.some((e) => e.checkpoint)).toBe(true);
    const streamedPoints = events.flatMap((e) => e.metrics?.points ?? []);
    const stored = await unary(training.listMetrics, training, { runId: run.id, key: 'train/loss', afterStep: 0, limit: 0 });
    expect(stored.points.length).toBeGreaterThan(5);
    expect(streamedPoints.map((p) => p.step)).toEqual(stored.points.map((p) => p.step));
    const losses = stored.points.map((p) => p.value);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!); // it learned something
    const checkpoints = await unary(training.listCheckpoints, training, { runId: run.id });
    expect(checkpoints.checkpoints.at(-1)?.step).toBe(200);
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toMatch(/completed/i);
    await page.close();
    state.run = await unary(training.getRun, training, { id: run.id });
    expect(state.run.stepsDone).toBe(200);
    expect(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).toContain(state.run.backend);
  });

  it('evaluates the checkpoint: negative ELBO and the IWAE-k bound, in nats and bits/dim, with estimators', async () => {
    const { evaluation } = stack.clients;
    const result = await unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.create({ runId: state.run!.id, checkpointId: '', metrics: [], iwaeK: 20, maxExamples: 500 }));
    expect(result.status).toBe(evaluationV1.EvaluationStatus.EVALUATION_STATUS_COMPLETED);
    const pick = (metric: string, unit: string) => result.results.find((r) => r.metric === metric && r.unit === unit)!;
    const elbo = pick('neg_elbo', 'nats');
    const iwae = pick('iwae', 'nats');
    expect(elbo.estimator).toBe('elbo');
    expect(iwae.estimator).toBe('iwae-20');
    expect(elbo.sampleCount).toBe(500);
    expect(elbo.stdError).toBeGreaterThan(0);
    expect(iwae.value).toBeLessThanOrEqual(elbo.value + 3 * elbo.stdError!); // IWAE is the tighter bound
    expect(elbo.value).toBeGreaterThan(50);
    expect(elbo.value).toBeLessThan(400);
    expect(pick('neg_elbo', 'bits/dim').value).toBeCloseTo(elbo.value / (784 * Math.LN2), 6);
    await expectStatus(
      unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.create({ runId: state.run!.id, checkpointId: '', metrics: ['test_nll'], iwaeK: 0, maxExamples: 10 })),
      status.FAILED_PRECONDITION,
      /neg_elbo|iwae/,
    );
    const listed = await unary(evaluation.listEvaluations, evaluation, { runId: state.run!.id, pageSize: 0, offset: 0 });
    expect(listed.evaluations.map((e) => e.id)).toContain(result.id);
  });

  it('generates seeded samples over gRPC and stores a PNG grid', async () => {
    const { generation, training } = stack.clients;
    const sample = (seed: number, chunkSize = 0, count = 100) =>
      collect(generation.sample({ runId: state.run!.id, checkpointId: '', count, seed, temperature: 0, chunkSize, includePng: false, truncation: 0, diffusionSteps: 0 }));
    const joined = (chunks: generationV1.SampleChunk[]) => Buffer.concat(chunks.map((c) => c.values));
    const a = await sample(11);
    const b = await sample(11, 30);
    const c = await sample(12);
    expect(b.map((chunk) => chunk.count)).toEqual([30, 30, 30, 10]);
    expect(a[0]!.shape).toEqual([28, 28, 1]);
    expect(joined(a).length).toBe(100 * 784 * 4);
    expect(joined(a).equals(joined(b))).toBe(true); // same seed, same samples, whatever the chunking
    expect(joined(a).equals(joined(c))).toBe(false);
    await expectStatus(
      collect(generation.sample({ runId: state.run!.id, checkpointId: '', count: 4, seed: 1, temperature: 0, chunkSize: 0, includePng: false, label: 3, truncation: 0, diffusionSteps: 0 })),
      status.FAILED_PRECONDITION,
      /not class-conditional/,
    );
    await expectStatus(sample(1, 100_000), status.INVALID_ARGUMENT, /chunk_size/);
    const interpolate = (request: Partial<generationV1.InterpolateRequest>) =>
      collect(generation.interpolate({ runId: state.run!.id, checkpointId: '', seedA: 1, seedB: 2, steps: 6, path: 0, datasetIndices: [], ...request }));
    const [line] = await interpolate({});
    expect(line!.count).toBe(6);
    expect(line!.values.equals((await interpolate({}))[0]!.values)).toBe(true); // seeded endpoints
    const [between] = await interpolate({ datasetIndices: [0, 1], path: generationV1.InterpolationPath.INTERPOLATION_PATH_SPHERICAL });
    expect(between!.shape).toEqual([28, 28, 1]);
    const [reconstructed] = await collect(generation.reconstruct({ runId: state.run!.id, checkpointId: '', datasetIndices: [0, 1, 2] }));
    expect(reconstructed!.count).toBe(3);
    await expectStatus(interpolate({ datasetIndices: [0, 99_999] }), status.INVALID_ARGUMENT, /99999 is outside/);
    await expectStatus(sample(1, 0, 0), status.INVALID_ARGUMENT, /count/);
    await expectStatus(sample(1, 0, 1_000_000), status.INVALID_ARGUMENT, /at most/);

    const grid = await unary(generation.renderSampleGrid, generation, { runId: state.run!.id, checkpointId: '', count: 64, seed: 5, columns: 8 });
    expect(grid.png.subarray(1, 4).toString()).toBe('PNG');
    expect(grid.step).toBe(200);
    const artifacts = await unary(training.listArtifacts, training, { runId: state.run!.id, kind: 'sample-grid' });
    expect(artifacts.artifacts.map((x) => x.id)).toContain(grid.artifactId);
    const content = await collect(training.getArtifactContent({ artifactId: grid.artifactId }));
    expect(Buffer.concat(content.map((chunk) => chunk.data)).equals(grid.png)).toBe(true);
  });

  it('exports the decoder as a TensorFlow.js model that loads over HTTP and decodes like the service', async () => {
    const { generation, training } = stack.clients;
    const exported = await unary(generation.exportDecoder, generation, { runId: state.run!.id, checkpointId: '' });
    expect(exported.latentDim).toBe(20);
    expect(exported.dataShape).toEqual([28, 28, 1]);
    const kinds = (await unary(training.listArtifacts, training, { runId: state.run!.id, kind: '' })).artifacts.map((a) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(['tfjs-model', 'tfjs-weights']));

    // As a browser would: model.json from the dashboard's artifact route, weights resolved relative to it.
    await initCompute({ logger: false });
    const url = `${stack.dashboardUrl}/api/artifacts/${exported.modelJsonArtifactId}`;
    const decoder = await tf.loadLayersModel(tf.io.http(url, { fetchFunc: fetch }));
    const checkpoint = (await unary(training.listCheckpoints, training, { runId: state.run!.id })).checkpoints.at(-1)!;
    const bytes = Buffer.concat((await collect(training.getArtifactContent({ artifactId: checkpoint.artifactId }))).map((c) => c.data));
    const model = await loadModel(bytes);
    const z = tf.randomNormal([4, 20], 0, 1, 'float32', 5);
    const [inBrowser, inService] = [decoder.predict(z) as tf.Tensor, model.decode!(z)];
    const [a, b] = [await inBrowser.data(), await inService.data()];
    expect(a.length).toBe(4 * 784);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([z, inBrowser, inService]);
    decoder.dispose();
    model.dispose();
  });

  it('shows the experiment, the run, its sample grid and its evaluations on the dashboard', async () => {
    const page = await browser.newPage();
    await page.goto(stack.dashboardUrl!);
    await expect.poll(() => page.getByTestId('experiment-row').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('mnist-vae')]));
    await page.screenshot({ path: join(SCREENSHOTS, 'experiments.png'), fullPage: true });
    await page.getByText('mnist-vae').first().click();
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(1);
    await page.getByTestId('run-row').first().locator('a').first().click();
    await page.waitForURL(/\/runs\//);
    const grid = page.getByTestId('sample-grid').first();
    await expect.poll(() => grid.evaluate((img) => {
      const image = img as unknown as { complete: boolean; naturalWidth: number };
      return image.complete ? image.naturalWidth : 0;
    }), { timeout: 30_000 }).toBeGreaterThan(0);
    const table = await page.getByTestId('evaluations').textContent();
    expect(table).toMatch(/iwae-20/);
    expect(table).toMatch(/elbo/);
    expect(table).toMatch(/bits\/dim/);
    await page.screenshot({ path: join(SCREENSHOTS, 'run-completed.png'), fullPage: true });
    await page.close();
  });

  it('stops a running run: CANCELLED with its reason, and a finished run cannot be stopped again', async () => {
    const { training } = stack.clients;
    const run = await unary(training.startRun, training, {
      experimentId: state.experiment!.id,
      datasetId: state.ring!.id,
      family: 'vae',
      configJson: JSON.stringify({ likelihood: 'gaussian', latentDim: 2, hiddenDims: [32], epochs: 1000 }),
      seed: 3,
    });
    const ended = collect(training.streamRunEvents({ runId: run.id, includeHistory: false }));
    await expect
      .poll(async () => (await unary(training.getRun, training, { id: run.id })).stepsDone, { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(0);
    await unary(training.stopRun, training, { id: run.id });
    const events = await ended;
    const final = events.at(-1)!.status!;
    expect(final.status).toBe(trainingV1.RunStatus.RUN_STATUS_CANCELLED);
    expect(final.statusReason).toBe('STOPPED_BY_USER');
    expect(final.stepsDone).toBeLessThan(final.totalSteps);
    const checkpoints = await unary(training.listCheckpoints, training, { runId: run.id });
    expect(checkpoints.checkpoints.length).toBeGreaterThan(0); // what it had learned is kept
    await expectStatus(unary(training.stopRun, training, { id: run.id }), status.FAILED_PRECONDITION, /already ended/);
  });
});
