import { resolve } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, unary } from '@genlab/client';
import { evaluationV1, trainingV1, type datasetsV1 } from '@genlab/contracts';
import { expectStatus } from '../support/grpc';
import { startStack, type Stack } from '../support/stack';

// Families other than the VAE through the same services: an exact-likelihood model (MADE
// on MNIST, RealNVP on ring8) is evaluated with estimator "exact", an implicit one (DCGAN)
// samples but has no likelihood to evaluate.

let stack: Stack;
let mnist: datasetsV1.Dataset;
let ring: datasetsV1.Dataset;
let experimentId: string;

beforeAll(async () => {
  stack = await startStack({ importRoot: resolve(__dirname, '../../../shared/data') });
  const { datasets, training } = stack.clients;
  mnist = await unary(datasets.importIdx, datasets, { name: 'mnist', imagesPath: 'mnist/t10k-images-idx3-ubyte.gz', labelsPath: 'mnist/t10k-labels-idx1-ubyte.gz', testCount: 2000 });
  ring = await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 3000, seed: 2, testCount: 500 });
  experimentId = (await unary(training.createExperiment, training, { name: 'families', description: '' })).id;
});

afterAll(async () => {
  await stack?.stop();
});

async function train(family: string, dataset: datasetsV1.Dataset, config: object): Promise<trainingV1.Run> {
  const { training } = stack.clients;
  const run = await unary(training.startRun, training, { experimentId, datasetId: dataset.id, family, configJson: JSON.stringify(config), seed: 1 });
  const events = await collect(training.streamRunEvents({ runId: run.id, includeHistory: false }));
  const final = events.at(-1)!.status!;
  expect(final.status, `${family}: ${final.error}`).toBe(trainingV1.RunStatus.RUN_STATUS_COMPLETED);
  return final;
}

describe('the model zoo through the services', () => {
  it('lists every family with its density kind and config schema', async () => {
    const { families } = await unary(stack.clients.training.listFamilies, stack.clients.training, {});
    expect(families.map((f) => f.name)).toEqual(expect.arrayContaining(['vae', 'made', 'realnvp', 'pixelcnn', 'ddpm', 'dcgan', 'wgan-gp']));
    const made = families.find((f) => f.name === 'made')!;
    expect(made.density).toBe('explicit-exact');
    expect(JSON.parse(made.configSchemaJson).properties).toHaveProperty('hiddenDims');
  });

  it('evaluates MADE on MNIST with the exact likelihood', async () => {
    const run = await train('made', mnist, { hiddenDims: [64], maxSteps: 15 });
    const { evaluation } = stack.clients;
    const result = await unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.create({ runId: run.id, checkpointId: '', metrics: [], iwaeK: 0, maxExamples: 200 }));
    const nll = result.results.find((r) => r.unit === 'nats')!;
    expect(nll).toMatchObject({ metric: 'test_nll', estimator: 'exact', sampleCount: 200 });
    expect(nll.value).toBeGreaterThan(50);
    expect(nll.value).toBeLessThan(784 * Math.LN2 + 1); // better than (or about) a uniform coin per pixel
    await expectStatus(
      unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.create({ runId: run.id, checkpointId: '', metrics: ['neg_elbo'], iwaeK: 0, maxExamples: 10 })),
      status.FAILED_PRECONDITION,
      /test_nll/,
    );
  });

  it('rejects data a family cannot model before queueing anything', async () => {
    const { training } = stack.clients;
    await expectStatus(
      unary(training.startRun, training, { experimentId, datasetId: ring.id, family: 'pixelcnn', configJson: '{}', seed: 1 }),
      status.INVALID_ARGUMENT,
      /image|shape|\[2\]/i,
    );
  });

  it('evaluates RealNVP on ring8 exactly and samples from it', async () => {
    const run = await train('realnvp', ring, { maxSteps: 20 });
    const { evaluation, generation } = stack.clients;
    const result = await unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.create({ runId: run.id, checkpointId: '', metrics: ['test_nll'], iwaeK: 0, maxExamples: 0 }));
    expect(result.results.find((r) => r.unit === 'nats')).toMatchObject({ estimator: 'exact', sampleCount: 500 });
    const chunks = await collect(generation.sample({ runId: run.id, checkpointId: '', count: 10, seed: 3, temperature: 0, chunkSize: 0, includePng: false, truncation: 0, diffusionSteps: 0 }));
    expect(chunks[0]!.shape).toEqual([2]);
  });

  it('samples from a DCGAN, which has no likelihood to evaluate: it is judged by sample metrics', async () => {
    const run = await train('dcgan', ring, { architecture: 'mlp', maxSteps: 10 });
    const { evaluation, generation } = stack.clients;
    const judged = await unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.create({ runId: run.id, metrics: [], numSamples: 200 }), { deadlineMs: 120_000 });
    expect(judged.results.map((r) => r.metric)).toEqual(expect.arrayContaining(['fid', 'modes']));
    expect(judged.results.some((r) => r.unit === 'nats' && r.metric !== 'true_nll')).toBe(false);
    await expectStatus(
      unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.create({ runId: run.id, checkpointId: '', metrics: ['test_nll'], iwaeK: 0, maxExamples: 0 })),
      status.FAILED_PRECONDITION,
      /no likelihood at all/,
    );
    const chunks = await collect(generation.sample({ runId: run.id, checkpointId: '', count: 8, seed: 4, temperature: 0, chunkSize: 0, includePng: false, truncation: 0, diffusionSteps: 0 }));
    expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(8);
  });

  it('samples a DDPM with fewer diffusion steps on request, seeded, and evaluates its variational bound', async () => {
    const run = await train('ddpm', ring, { hiddenDims: [32], timesteps: 50, maxSteps: 10 });
    const { generation, evaluation } = stack.clients;
    const sample = async (diffusionSteps: number) =>
      Buffer.concat(
        (await collect(generation.sample({ runId: run.id, checkpointId: '', count: 16, seed: 5, temperature: 0, chunkSize: 0, includePng: false, truncation: 0, diffusionSteps }))).map((c) => c.values),
      );
    const [full, coarse] = [await sample(0), await sample(5)];
    expect(coarse.length).toBe(16 * 2 * 4);
    expect(coarse.equals(full)).toBe(false);
    expect((await sample(5)).equals(coarse)).toBe(true);
    const result = await unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.create({ runId: run.id, checkpointId: '', metrics: [], iwaeK: 0, maxExamples: 100 }));
    expect(result.results.find((r) => r.unit === 'nats')).toMatchObject({ metric: 'neg_elbo', estimator: 'elbo', sampleCount: 100 });
  });

  it('stops a sample grid’s work when the deadline passes or the client cancels: nothing is stored', async () => {
    const run = await train('ddpm', ring, { hiddenDims: [32], timesteps: 1000, maxSteps: 5 });
    const { generation, training } = stack.clients;
    const grids = async () => (await unary(training.listArtifacts, training, { runId: run.id, kind: 'sample-grid' })).artifacts.length;
    const request = { runId: run.id, checkpointId: '', count: 512, seed: 6, columns: 0 };
    const before = await grids();

    // 512 samples × 1,000 ancestral steps take far longer than the deadline.
    await expectStatus(unary(generation.renderSampleGrid, generation, request, { deadlineMs: 150 }), status.DEADLINE_EXCEEDED);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    await expectStatus(unary(generation.renderSampleGrid, generation, request, { signal: controller.signal }), status.CANCELLED);

    // The same request left to finish stores one grid. Had the abandoned calls run on, they
    // (started earlier, sharing the event loop between batches) would have stored theirs by then.
    await unary(generation.renderSampleGrid, generation, request, { deadlineMs: 120_000 });
    const all = (await unary(training.listArtifacts, training, { runId: run.id, kind: 'sample-grid' })).artifacts;
    expect(all.length, JSON.stringify(all.map((a) => [a.metaJson, a.createTime]))).toBe(before + 1);
  });
});
