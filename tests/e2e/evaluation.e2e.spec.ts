import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, unary } from '@genlab/client';
import { initCompute, tf } from '@genlab/compute';
import { evaluationV1, trainingV1, type datasetsV1 } from '@genlab/contracts';
import { expectStatus } from '../support/grpc';
import { startStack, type Stack } from '../support/stack';

// The evaluation service as users drive it: jobs with streamed progress, likelihoods for
// explicit models, sample metrics (with their real-data floors) for every model that samples,
// the dataset's own feature classifier or a user's TensorFlow.js model, and the leaderboard.

const MNIST = resolve(__dirname, '../../../shared/data/mnist');
const { EvaluationStatus } = evaluationV1;

let stack: Stack;
let importRoot: string;
let mnist: datasetsV1.Dataset;
let ring: datasetsV1.Dataset;
let experimentId: string;
const runs: Record<string, trainingV1.Run> = {};

/** A layers model that maps an input of `inputShape` to 16 features, written where the service can read it. */
async function writeFeatureModel(name: string, inputShape: number[]): Promise<void> {
  const dense = (options: object) => tf.layers.dense({ units: 16, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), ...options });
  const model = tf.sequential({ layers: inputShape.length > 1 ? [tf.layers.flatten({ inputShape }), dense({})] : [dense({ inputShape })] });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const dir = join(importRoot, 'models', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }];
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: manifest }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
}

const request = (fields: Partial<evaluationV1.EvaluateRequest>) => evaluationV1.EvaluateRequest.create(fields);

async function train(family: string, dataset: datasetsV1.Dataset, config: object): Promise<trainingV1.Run> {
  const { training } = stack.clients;
  const run = await unary(training.startRun, training, { experimentId, datasetId: dataset.id, family, configJson: JSON.stringify(config), seed: 1 });
  const final = (await collect(training.streamRunEvents({ runId: run.id, includeHistory: false }))).at(-1)!.status!;
  expect(final.status, `${family}: ${final.error}`).toBe(trainingV1.RunStatus.RUN_STATUS_COMPLETED);
  return final;
}

const byMetric = (evaluation: evaluationV1.Evaluation, metric: string, unit?: string) =>
  evaluation.results.find((r) => r.metric === metric && (unit === undefined || r.unit === unit));

beforeAll(async () => {
  await initCompute({ logger: false });
  importRoot = mkdtempSync(join(tmpdir(), 'genlab-eval-imports-'));
  mkdirSync(join(importRoot, 'mnist'));
  for (const file of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) copyFileSync(join(MNIST, file), join(importRoot, 'mnist', file));
  await writeFeatureModel('features', [28, 28, 1]);
  await writeFeatureModel('wrong-input', [5]);

  stack = await startStack({ importRoot, extraEnv: { GENLAB_FEATURE_CLASSIFIER_EPOCHS: '1' } });
  const { datasets, training } = stack.clients;
  mnist = await unary(datasets.importIdx, datasets, { name: 'mnist', imagesPath: 'mnist/t10k-images-idx3-ubyte.gz', labelsPath: 'mnist/t10k-labels-idx1-ubyte.gz', testCount: 2000 });
  ring = await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 3000, seed: 2, testCount: 500 });
  experimentId = (await unary(training.createExperiment, training, { name: 'evaluation', description: '' })).id;
  runs.gan = await train('dcgan', ring, { architecture: 'mlp', maxSteps: 30 });
  runs.flow = await train('realnvp', ring, { maxSteps: 30 });
  runs.vae = await train('vae', mnist, { maxSteps: 30 });
  runs.conditional = await train('vae', ring, { conditional: true, likelihood: 'gaussian', hiddenDims: [32], latentDim: 2, learningRate: 3e-3, maxSteps: 150 });
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  if (importRoot) rmSync(importRoot, { recursive: true, force: true });
});

describe('evaluation jobs', () => {
  it('judges a GAN on ring8 by sample metrics and mode metrics, each sample metric beside its real-data floor, with progress streamed', async () => {
    const { evaluation } = stack.clients;
    // A slow job ahead in the queue (one runs at a time) keeps this one queued until we watch it.
    const ahead = await unary(evaluation.startEvaluation, evaluation, request({ runId: runs.vae!.id, metrics: ['iwae'], iwaeK: 5000 }));
    const queued = await unary(evaluation.startEvaluation, evaluation, request({ runId: runs.gan!.id }));
    expect(queued.status).toBe(EvaluationStatus.EVALUATION_STATUS_QUEUED);
    const watching = collect(evaluation.watchEvaluation({ id: queued.id }));
    await new Promise((r) => setTimeout(r, 200));
    await unary(evaluation.cancelEvaluation, evaluation, { id: ahead.id });
    const events = await watching;
    expect(events[0]!.evaluation!.status).toBe(EvaluationStatus.EVALUATION_STATUS_QUEUED);
    expect(events.some((e) => e.evaluation?.status === EvaluationStatus.EVALUATION_STATUS_RUNNING)).toBe(true);
    expect(events.some((e) => e.progress?.phase === 'sampling')).toBe(true);
    const done = events.at(-1)!.evaluation!;
    expect(done.status, done.error).toBe(EvaluationStatus.EVALUATION_STATUS_COMPLETED);
    expect(done.results.map((r) => r.metric).sort()).toEqual(['coverage', 'density', 'fid', 'high_quality', 'kid', 'modes', 'precision', 'recall', 'true_nll']);
    const fid = byMetric(done, 'fid')!;
    expect(fid).toMatchObject({ estimator: 'fid', features: 'raw', sampleCount: 500 });
    expect(fid.realValue).toBeGreaterThanOrEqual(0);
    expect(fid.realValue!).toBeLessThan(fid.value); // 30 steps of a GAN are far from the data
    const kid = byMetric(done, 'kid')!;
    expect(kid.estimator).toBe('kid-100x500');
    expect(kid.stdError).toBeGreaterThan(0);
    const modes = byMetric(done, 'modes')!;
    expect(modes).toMatchObject({ unit: 'of 8', estimator: 'veegan-3sigma' });
    expect(modes.value).toBeGreaterThanOrEqual(0);
    expect(modes.value).toBeLessThanOrEqual(8);
  });

  it("measures a flow's exact NLL, KL(true ‖ model) and a Parzen estimate on ring8", async () => {
    const { evaluation } = stack.clients;
    const done = await unary(evaluation.evaluate, evaluation, request({ runId: runs.flow!.id, metrics: ['test_nll', 'kl', 'parzen'], numSamples: 1000 }), { deadlineMs: 300_000 });
    expect(done.status, done.error).toBe(EvaluationStatus.EVALUATION_STATUS_COMPLETED);
    expect(byMetric(done, 'test_nll', 'nats')).toMatchObject({ estimator: 'exact', sampleCount: 500 });
    const kl = byMetric(done, 'kl')!;
    expect(kl).toMatchObject({ unit: 'nats', estimator: 'monte-carlo-20000' });
    expect(kl.value).toBeGreaterThan(0);
    expect(byMetric(done, 'parzen', 'nats')).toMatchObject({ estimator: 'parzen', sampleCount: 500 });
  });

  it("computes MNIST sample metrics on the dataset's own classifier, trained once and stored with its accuracy", async () => {
    const { evaluation } = stack.clients;
    const metrics = ['fid', 'kid', 'inception_score', 'precision', 'recall', 'density', 'coverage'];
    const done = await unary(evaluation.evaluate, evaluation, request({ runId: runs.vae!.id, metrics, numSamples: 300 }), { deadlineMs: 600_000 });
    expect(done.status, done.error).toBe(EvaluationStatus.EVALUATION_STATUS_COMPLETED);
    const classifier = await unary(evaluation.getFeatureExtractor, evaluation, { datasetId: mnist.id });
    expect(classifier).toMatchObject({ version: 1, featureDim: 128, numClasses: 10 });
    expect(classifier.testAccuracy).toBeGreaterThan(0.85);
    for (const metric of metrics) expect(byMetric(done, metric)?.features, metric).toBe(`classifier:${classifier.id}@v1`);
    const is = byMetric(done, 'inception_score')!;
    expect(is.realValue!).toBeGreaterThan(5); // real digits: confident and varied
    expect(byMetric(done, 'kid')!.estimator).toBe('kid-100x300');
    // The stored classifier is reused: asking again returns the same one.
    expect((await unary(evaluation.getFeatureExtractor, evaluation, { datasetId: mnist.id })).id).toBe(classifier.id);
  });

  it("uses a user's own TensorFlow.js model for features, checking it fits the data before queueing", async () => {
    const { evaluation } = stack.clients;
    const done = await unary(evaluation.evaluate, evaluation, request({ runId: runs.vae!.id, metrics: ['fid', 'precision'], numSamples: 200, featureModelPath: 'models/features' }), { deadlineMs: 300_000 });
    expect(done.status, done.error).toBe(EvaluationStatus.EVALUATION_STATUS_COMPLETED);
    expect(byMetric(done, 'fid')!.features).toBe('model:models/features');
    await expectStatus(unary(evaluation.startEvaluation, evaluation, request({ runId: runs.vae!.id, metrics: ['fid'], featureModelPath: 'models/wrong-input' })), status.INVALID_ARGUMENT, /inputs of shape \[5\].*\[28, 28, 1\]/);
    await expectStatus(unary(evaluation.startEvaluation, evaluation, request({ runId: runs.vae!.id, metrics: ['fid'], featureModelPath: 'models/none' })), status.NOT_FOUND);
    await expectStatus(unary(evaluation.startEvaluation, evaluation, request({ runId: runs.vae!.id, metrics: ['fid'], featureModelPath: '../../etc' })), status.INVALID_ARGUMENT, /outside the import root/);
  });

  it('refuses what cannot be computed with the status that says why', async () => {
    const { evaluation } = stack.clients;
    await expectStatus(unary(evaluation.startEvaluation, evaluation, request({ runId: runs.gan!.id, metrics: ['test_nll'] })), status.FAILED_PRECONDITION, /no likelihood at all/);
    await expectStatus(unary(evaluation.startEvaluation, evaluation, request({ runId: runs.gan!.id, metrics: ['kid'], numSamples: 100, kidSubsetSize: 200 })), status.INVALID_ARGUMENT, /at most 100/);
    await expectStatus(unary(evaluation.startEvaluation, evaluation, request({ runId: runs.gan!.id, metrics: ['density'], numSamples: 5 })), status.INVALID_ARGUMENT, /at least 6/);
    await expectStatus(unary(evaluation.startEvaluation, evaluation, request({ runId: runs.gan!.id, checkpointId: '00000000-0000-4000-8000-000000000000' })), status.NOT_FOUND);
    await expectStatus(collect(evaluation.watchEvaluation({ id: '00000000-0000-4000-8000-000000000000' })), status.NOT_FOUND);
  });

  it('cancels a running job, and a caller that gives up cancels its Evaluate', async () => {
    const { evaluation } = stack.clients;
    const slow = request({ runId: runs.vae!.id, metrics: ['iwae'], iwaeK: 5000 });
    const started = await unary(evaluation.startEvaluation, evaluation, slow);
    // While the job runs (minutes of work at k = 5000), the service keeps answering.
    await new Promise((r) => setTimeout(r, 300));
    const listed = await unary(evaluation.listEvaluations, evaluation, { runId: runs.vae!.id, pageSize: 1, offset: 0 }, { deadlineMs: 10_000 });
    expect(listed.evaluations[0]).toMatchObject({ id: started.id, status: EvaluationStatus.EVALUATION_STATUS_RUNNING });
    const cancelled = await unary(evaluation.cancelEvaluation, evaluation, { id: started.id });
    expect(cancelled.status).toBe(EvaluationStatus.EVALUATION_STATUS_CANCELLED);
    await expectStatus(unary(evaluation.evaluate, evaluation, slow, { deadlineMs: 1500 }), status.DEADLINE_EXCEEDED);
    let latest: evaluationV1.Evaluation | undefined;
    for (let i = 0; i < 100; i++) {
      latest = (await unary(evaluation.listEvaluations, evaluation, { runId: runs.vae!.id, pageSize: 1, offset: 0 })).evaluations[0];
      if (latest?.status === EvaluationStatus.EVALUATION_STATUS_CANCELLED) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(latest?.status).toBe(EvaluationStatus.EVALUATION_STATUS_CANCELLED);
    expect(latest?.error).toMatch(/cancelled or its deadline passed/);
  });

  it('puts a generative classifier beside the discriminative one on the same labelled examples', async () => {
    const { evaluation } = stack.clients;
    const done = await unary(evaluation.evaluate, evaluation, request({ runId: runs.conditional!.id, metrics: ['generative_classifier'], iwaeK: 10 }), { deadlineMs: 300_000 });
    expect(done.status, done.error).toBe(EvaluationStatus.EVALUATION_STATUS_COMPLETED);
    const accuracy = done.results.filter((r) => r.metric === 'accuracy');
    expect(accuracy.map((r) => r.estimator).sort()).toEqual(['discriminative (dataset classifier)', 'generative (iwae-10)']);
    for (const r of accuracy) {
      expect(r.sampleCount).toBe(500);
      expect(r.value, r.estimator).toBeGreaterThan(0.5); // eight well-separated modes: chance is 1/8
    }
    expect(done.results.filter((r) => r.metric === 'ece')).toHaveLength(2);
    expect(done.results.filter((r) => r.metric === 'label_nll')).toHaveLength(2);
    await expectStatus(unary(evaluation.startEvaluation, evaluation, request({ runId: runs.flow!.id, metrics: ['generative_classifier'] })), status.FAILED_PRECONDITION, /not class-conditional/);
  });

  it("probes a VAE's latent space for label information and stores its 2-D projection", async () => {
    const { evaluation, training } = stack.clients;
    const done = await unary(evaluation.evaluate, evaluation, request({ runId: runs.vae!.id, metrics: ['linear_probe', 'latent_projection'], maxExamples: 300 }), { deadlineMs: 300_000 });
    expect(done.status, done.error).toBe(EvaluationStatus.EVALUATION_STATUS_COMPLETED);
    const probe = byMetric(done, 'probe_accuracy')!;
    expect(probe).toMatchObject({ estimator: 'logistic-regression', sampleCount: 300 });
    expect(probe.value).toBeGreaterThan(0.3); // 10 classes: chance is 0.1
    expect(byMetric(done, 'pca_variance_explained')!.value).toBeGreaterThan(0);
    const [projection] = (await unary(training.listArtifacts, training, { runId: runs.vae!.id, kind: 'latent-projection' })).artifacts;
    expect(JSON.parse(projection!.metaJson)).toMatchObject({ evaluationId: done.id, count: 300 });
  });

  it('lists explicit and implicit families in one leaderboard, with the real-data floor as a row', async () => {
    const { evaluation } = stack.clients;
    const board = await unary(evaluation.getLeaderboard, evaluation, { datasetId: ring.id });
    const families = board.rows.map((r) => r.family);
    expect(families).toEqual(expect.arrayContaining(['dcgan', 'realnvp', 'real data']));
    expect(board.rows.find((r) => r.family === 'dcgan')).toMatchObject({ density: 'implicit', realData: false });
    expect(board.rows.find((r) => r.family === 'realnvp')).toMatchObject({ density: 'explicit-exact' });
    const floor = board.rows.find((r) => r.realData)!;
    expect(floor.results.find((r) => r.metric === 'fid')).toMatchObject({ features: 'raw' });
  });
});
