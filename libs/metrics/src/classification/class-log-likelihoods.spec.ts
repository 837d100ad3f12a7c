import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed, initCompute, tf } from '@genlab/compute';
import { cancelled, ErrorCode } from '@genlab/errors';
import { createModel, type GenerativeModel } from '@genlab/models';
import { expectNoTensorLeak } from '../testing/no-tensor-leak';
import { classLogLikelihoods } from './class-log-likelihoods';
import { generativeClassification } from './generative-classifier';

const DIMS = 12;
const PROTOTYPES = [
  [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1],
  [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0],
];

/** `count` binary rows: row i is prototype `i % classes` with bit (i · 5 + offset) mod 12 flipped. */
function prototypeRows(count: number, classes: number, offset = 0): { shape: number[]; count: number; x: Float32Array; labels: Int32Array } {
  const x = new Float32Array(count * DIMS);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i += 1) {
    const row = [...PROTOTYPES[i % classes]!];
    const flip = (i * 5 + offset) % DIMS;
    row[flip] = 1 - row[flip]!;
    x.set(row, i * DIMS);
    labels[i] = i % classes;
  }
  return { shape: [DIMS], count, x, labels };
}

/** Column c of the matrix, read directly from one estimator call with every label set to c. */
async function column(estimate: (labels: tf.Tensor1D) => tf.Tensor1D, count: number, c: number): Promise<Float32Array> {
  const labels = tf.fill([count], c, 'int32') as tf.Tensor1D;
  const values = estimate(labels);
  const read = (await values.data()) as Float32Array;
  tf.dispose([labels, values]);
  return read;
}

describe('classLogLikelihoods', () => {
  let pixelcnn: GenerativeModel;
  let cvae: GenerativeModel;
  /** Six 4×4 binary images. */
  const images = { shape: [4, 4, 1], count: 6, x: new Float32Array(6 * 16).map((_, i) => ((i * 7) % 3 === 0 ? 1 : 0)) };

  beforeAll(async () => {
    await initCompute({ logger: false });
    pixelcnn = createModel('pixelcnn', { conditional: true, hiddenChannels: 4, firstKernelSize: 3, maskedLayers: 1 }, { dataShape: [4, 4, 1], seed: 2, numClasses: 3 });
    // A few steps on class 0 so that the label matters (an untrained model ignores it).
    const batch = tf.tensor(images.x, [6, 4, 4, 1]);
    const zeros = tf.zeros([6], 'int32') as tf.Tensor1D;
    for (let i = 0; i < 10; i += 1) pixelcnn.trainStep(batch, zeros).dispose();
    tf.dispose([batch, zeros]);
    cvae = createModel('vae', { conditional: true, latentDim: 2, hiddenDims: [16] }, { dataShape: [DIMS], seed: 4, numClasses: 3 });
  });
  afterAll(() => {
    pixelcnn.dispose();
    cvae.dispose();
  });

  it('evaluates a class-conditional model with every label: column c is log p(x | y = c), exactly', async () => {
    const matrix = await classLogLikelihoods(pixelcnn, images, { batchSize: 4 });
    expect(matrix).toMatchObject({ count: 6, numClasses: 3, estimator: 'exact' });
    const x = tf.tensor(images.x, [6, 4, 4, 1]);
    for (let c = 0; c < 3; c += 1) {
      const direct = await column((labels) => pixelcnn.logProb!(x, { labels }), 6, c);
      for (let i = 0; i < 6; i += 1) expect(matrix.values[i * 3 + c]).toBeCloseTo(direct[i]!, 4);
    }
    x.dispose();
    // The classes differ (the model is conditional), and batching does not change the figures.
    expect(matrix.values[0]).not.toBeCloseTo(matrix.values[1]!, 6);
    const oneBatch = await classLogLikelihoods(pixelcnn, images, { batchSize: 100 });
    oneBatch.values.forEach((value, i) => expect(value).toBeCloseTo(matrix.values[i]!, 4));
  });

  it('uses the best bound a VAE has (IWAE-k, named with its k), the ELBO on request, and refuses an exact likelihood it lacks', async () => {
    const data = prototypeRows(9, 3);
    const iwae = await classLogLikelihoods(cvae, data, { k: 8, seed: 3 });
    expect(iwae.estimator).toBe('iwae-8');
    expect(await classLogLikelihoods(cvae, data, { k: 8, seed: 3 })).toEqual(iwae);
    expect((await classLogLikelihoods(cvae, data, { k: 8, seed: 4 })).values).not.toEqual(iwae.values);

    const elbo = await classLogLikelihoods(cvae, data, { estimator: 'elbo', seed: 3 });
    expect(elbo.estimator).toBe('elbo');
    const x = tf.tensor(data.x, [9, DIMS]);
    // One batch (9 < 100): every class is estimated with the batch's seed (common random numbers).
    for (let c = 0; c < 3; c += 1) {
      const direct = await column((labels) => cvae.iwaeBound!(x, 8, { labels, seed: deriveSeed(3, 'iwae', 0) }), 9, c);
      for (let i = 0; i < 9; i += 1) expect(iwae.values[i * 3 + c]).toBeCloseTo(direct[i]!, 4);
    }
    x.dispose();
    await expect(classLogLikelihoods(cvae, data, { estimator: 'exact' })).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: expect.stringMatching(/'exact'.*supports: iwae, elbo/),
    });
  });

  it('refuses implicit and unconditional models with FAILED_PRECONDITION naming what they have', async () => {
    const gan = createModel('dcgan', { architecture: 'mlp' }, { dataShape: [DIMS], seed: 1 });
    const conditionalGan = createModel('dcgan', { architecture: 'mlp', conditional: true }, { dataShape: [DIMS], seed: 1, numClasses: 3 });
    const vae = createModel('vae', { latentDim: 2, hiddenDims: [8] }, { dataShape: [DIMS], seed: 1 });
    const data = prototypeRows(3, 3);
    try {
      await expect(classLogLikelihoods(gan, data)).rejects.toMatchObject({
        code: ErrorCode.FailedPrecondition,
        message: expect.stringMatching(/dcgan model is implicit \(capabilities: sample\)/),
      });
      await expect(classLogLikelihoods(conditionalGan, data)).rejects.toMatchObject({
        code: ErrorCode.FailedPrecondition,
        message: expect.stringMatching(/implicit \(capabilities: sample, conditional\)/),
      });
      await expect(classLogLikelihoods(vae, data)).rejects.toMatchObject({
        code: ErrorCode.FailedPrecondition,
        message: expect.stringMatching(/vae model is unconditional \(capabilities: sample, elbo, iwae, encode, decode\).*log p\(x \| y\)/),
      });
      await expect(classLogLikelihoods([vae, gan], data)).rejects.toMatchObject({ code: ErrorCode.FailedPrecondition, message: expect.stringMatching(/model 1 \(dcgan\) is implicit/) });
      await expect(classLogLikelihoods([vae], data)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
      await expect(classLogLikelihoods([vae, cvae], data)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
      await expect(classLogLikelihoods(cvae, { ...data, shape: [DIMS + 1] })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
      await expect(classLogLikelihoods(cvae, data, { k: 0 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    } finally {
      [gan, conditionalGan, vae].forEach((model) => model.dispose());
    }
  });

  it('reports progress per batch, stops when cancelled and leaves no tensors', async () => {
    const data = prototypeRows(10, 3);
    const progress: [number, number][] = [];
    await classLogLikelihoods(cvae, data, { k: 2, batchSize: 4, onProgress: (done, total) => progress.push([done, total]) });
    expect(progress).toEqual([
      [4, 10],
      [8, 10],
      [10, 10],
    ]);
    await expectNoTensorLeak(() => classLogLikelihoods(cvae, data, { k: 2, batchSize: 4 }));
    const tensor = tf.tensor(images.x, [6, 16]); // a tensor input, reshaped per batch to the model's [4, 4, 1]
    await expectNoTensorLeak(() => classLogLikelihoods(pixelcnn, tensor, { batchSize: 4 }));
    tensor.dispose();

    const before = tf.memory().numTensors;
    let checks = 0;
    const stopAtFifth = () => {
      if (++checks === 5) throw cancelled('evaluation stopped');
    };
    await expect(classLogLikelihoods(cvae, data, { k: 2, batchSize: 4, throwIfCancelled: stopAtFifth })).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    expect(checks).toBe(5); // batch 1: before it and before classes 1, 2; batch 2: before it, then before class 1
    expect(tf.memory().numTensors).toBe(before);
  });

  it('classifies with one unconditional model per class: two MADEs trained on two prototypes', async () => {
    const made = (seed: number) => createModel('made', { hiddenDims: [32], learningRate: 1e-2 }, { dataShape: [DIMS], seed });
    const models = [made(1), made(2)];
    const train = prototypeRows(60, 2);
    try {
      for (let c = 0; c < 2; c += 1) {
        const rows = Array.from({ length: train.count }, (_, i) => i).filter((i) => train.labels[i] === c);
        const batch = tf.tensor(
          rows.flatMap((i) => Array.from(train.x.subarray(i * DIMS, (i + 1) * DIMS))),
          [rows.length, DIMS],
        );
        for (let step = 0; step < 60; step += 1) models[c]!.trainStep(batch).dispose();
        batch.dispose();
      }
      const test = prototypeRows(40, 2, 3); // other flipped bits than in training
      const matrix = await classLogLikelihoods(models, test, { batchSize: 16 });
      expect(matrix.estimator).toBe('exact');
      const x = tf.tensor(test.x, [40, DIMS]);
      const direct = models[1]!.logProb!(x);
      const read = await direct.data();
      tf.dispose([x, direct]);
      for (let i = 0; i < 40; i += 1) expect(matrix.values[i * 2 + 1]).toBeCloseTo(read[i]!, 4);

      const result = generativeClassification(matrix, test.labels, { trainLabels: train.labels });
      expect(result.priorSource).toBe('empirical');
      expect(result.metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    } finally {
      models.forEach((model) => model.dispose());
    }
  });
});
