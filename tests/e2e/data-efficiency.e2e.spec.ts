import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unary } from '@genlab/client';
import { evaluationV1, trainingV1, type datasetsV1 } from '@genlab/contracts';
import { encodeIdx } from '@genlab/data';
import { expectStatus } from '../support/grpc';
import { startStack, type Stack } from '../support/stack';

// The data-efficiency experiment as a team runs it: one StartSweep with the template, runs
// trained on labelled subsets of two sizes with two seeds each, every run evaluated by the
// evaluation service once it completes (generative classifier vs a discriminative one trained
// on the same labelled subset), with nothing asked of the caller in between.

const { SweepTemplate, SweepMethod, RunStatus } = trainingV1;
const { EvaluationStatus } = evaluationV1;
const SIZES = [32, 256];

let stack: Stack;
let ring: datasetsV1.Dataset;
let experimentId: string;

const sweepRequest = (fields: Partial<trainingV1.StartSweepRequest>) =>
  trainingV1.StartSweepRequest.create({
    experimentId,
    datasetId: ring.id,
    family: 'vae',
    template: SweepTemplate.SWEEP_TEMPLATE_DATA_EFFICIENCY,
    ...fields,
  });

beforeAll(async () => {
  stack = await startStack({ services: ['datasets', 'training', 'evaluation'], extraEnv: { GENLAB_SWEEP_EVALUATION_POLL_MS: '200' } });
  const { datasets, training } = stack.clients;
  ring = await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 1600, seed: 5, testCount: 400 });
  experimentId = (await unary(training.createExperiment, training, { name: 'data efficiency', description: '' })).id;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the data-efficiency template', () => {
  it('trains each labelled-subset size with each seed and evaluates every run on completion, generative beside discriminative', async () => {
    const { training, evaluation } = stack.clients;
    const baseConfig = { likelihood: 'gaussian', hiddenDims: [32], latentDim: 2, learningRate: 3e-3, maxSteps: 150 };
    const sweep = await unary(
      training.startSweep,
      training,
      sweepRequest({
        baseConfigJson: JSON.stringify(baseConfig),
        parameters: [{ field: 'labelledExamples', valuesJson: SIZES.map(String), min: 0, max: 0, logScale: false, integer: false }],
        seeds: [0, 1],
      }),
    );
    expect(sweep).toMatchObject({ template: SweepTemplate.SWEEP_TEMPLATE_DATA_EFFICIENCY, method: SweepMethod.SWEEP_METHOD_GRID, evaluateMetrics: ['generative_classifier'] });
    expect(sweep.name).toBe('data efficiency: vae on ring8');
    expect(sweep.configurations.map((c) => JSON.parse(c.parametersJson))).toEqual(SIZES.map((labelledExamples) => ({ labelledExamples })));
    for (const c of sweep.configurations) {
      // The template's defaults: conditional, and a batch no larger than the smallest subset.
      expect(JSON.parse(c.configJson)).toMatchObject({ ...baseConfig, conditional: true, batchSize: 32, epochs: 100_000 });
      expect(c.runIds).toHaveLength(2);
    }
    expect(sweep.runs.map((r) => r.totalSteps)).toEqual([150, 150, 150, 150]);

    // Nothing more is asked of the caller: each completed run gets its evaluation.
    const runIds = sweep.runs.map((r) => r.id);
    const evaluations = new Map<string, evaluationV1.Evaluation>();
    await expect
      .poll(
        async () => {
          for (const runId of runIds) {
            const [latest] = (await unary(evaluation.listEvaluations, evaluation, { runId, pageSize: 10, offset: 0 })).evaluations;
            if (latest) evaluations.set(runId, latest);
          }
          return [...evaluations.values()].filter((e) => e.status === EvaluationStatus.EVALUATION_STATUS_COMPLETED || e.status === EvaluationStatus.EVALUATION_STATUS_FAILED).length;
        },
        { timeout: 300_000, interval: 500 },
      )
      .toBe(runIds.length);

    const runs = await Promise.all(runIds.map((id) => unary(training.getRun, training, { id })));
    expect(runs.map((r) => r.status)).toEqual(runIds.map(() => RunStatus.RUN_STATUS_COMPLETED));
    const accuracy: Record<string, Record<number, number[]>> = { generative: {}, discriminative: {} };
    for (const run of runs) {
      const done = evaluations.get(run.id)!;
      expect(done.status, done.error).toBe(EvaluationStatus.EVALUATION_STATUS_COMPLETED);
      expect(new Set(done.results.map((r) => r.metric))).toEqual(new Set(['accuracy', 'label_nll', 'ece']));
      const size = JSON.parse(run.configJson).labelledExamples as number;
      const byEstimator = Object.fromEntries(done.results.filter((r) => r.metric === 'accuracy').map((r) => [r.estimator, r.value]));
      expect(Object.keys(byEstimator).sort()).toEqual(['discriminative (dataset classifier)', 'discriminative (same labelled subset)', 'generative (iwae-100)']);
      (accuracy.generative![size] ??= []).push(byEstimator['generative (iwae-100)']!);
      (accuracy.discriminative![size] ??= []).push(byEstimator['discriminative (same labelled subset)']!);
      expect(done.results.filter((r) => r.metric === 'ece').map((r) => r.estimator)).toContain('discriminative (same labelled subset)');
      expect(done.results.filter((r) => r.metric === 'label_nll').map((r) => r.estimator)).toContain('discriminative (same labelled subset)');
    }
    console.log(`data efficiency on ring8 (accuracy per seed): ${JSON.stringify(accuracy)}`);
    // Eight well-separated modes (chance is 1/8): with 256 labels both classifiers are far above chance.
    for (const kind of ['generative', 'discriminative']) for (const value of accuracy[kind]![256]!) expect(value, kind).toBeGreaterThan(0.5);
  });

  it('refuses families and datasets the experiment cannot run on, with FAILED_PRECONDITION, and queues nothing', async () => {
    const { training, datasets } = stack.clients;
    // Images without labels, uploaded as IDX.
    const unlabelled = await new Promise<datasetsV1.Dataset>((resolve, reject) => {
      const upload = datasets.uploadIdx((error, dataset) => (error ? reject(error) : resolve(dataset)));
      upload.write({ header: { name: 'unlabelled', testCount: 8, hasLabels: false } });
      upload.write({ imagesChunk: encodeIdx({ dtype: 'uint8', dims: [40, 4, 4], data: Uint8Array.from({ length: 640 }, (_, i) => (i * 37) % 256) }) });
      upload.end();
    });
    expect(unlabelled.hasLabels).toBe(false);
    const before = (await unary(training.listRuns, training, { experimentId, pageSize: 100, offset: 0 })).runs.length;
    await expectStatus(unary(training.startSweep, training, sweepRequest({ family: 'dcgan' })), status.FAILED_PRECONDITION, /implicit model: it has no p\(x\|y\)/);
    await expectStatus(unary(training.startSweep, training, sweepRequest({ family: 'made' })), status.FAILED_PRECONDITION, /no class-conditional variant/);
    await expectStatus(
      unary(training.startSweep, training, sweepRequest({ baseConfigJson: '{"conditional": false}' })),
      status.INVALID_ARGUMENT,
      /trains class-conditional models/,
    );
    await expectStatus(unary(training.startSweep, training, sweepRequest({ method: SweepMethod.SWEEP_METHOD_RANDOM })), status.INVALID_ARGUMENT, /grid sweep/);
    await expectStatus(unary(training.startSweep, training, sweepRequest({ datasetId: unlabelled.id })), status.FAILED_PRECONDITION, /no labels/);
    expect((await unary(training.listRuns, training, { experimentId, pageSize: 100, offset: 0 })).runs.length).toBe(before);
  });
});
