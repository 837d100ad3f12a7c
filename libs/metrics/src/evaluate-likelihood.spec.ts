import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ErrorCode } from '@genlab/errors';
import { createModel, type GenerativeModel } from '@genlab/models';
import { evaluateLikelihood } from './evaluate-likelihood';
import { natsToBitsPerDim } from './units';

const DIMS = 12;

/** 40 binary rows of length 12: three prototypes with one flipped bit each. */
function dataset(): { shape: number[]; count: number; x: Float32Array } {
  const prototypes = [
    [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1],
    [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0],
  ];
  const x = new Float32Array(40 * DIMS);
  for (let i = 0; i < 40; i += 1) {
    const row = [...prototypes[i % 3]];
    row[(i * 7) % DIMS] = 1 - row[(i * 7) % DIMS];
    x.set(row, i * DIMS);
  }
  return { shape: [DIMS], count: 40, x };
}

describe('evaluateLikelihood', () => {
  let model: GenerativeModel;
  const data = dataset();

  beforeAll(async () => {
    await initCompute({ logger: false });
    model = createModel('vae', { latentDim: 2, hiddenDims: [16], learningRate: 1e-2 }, { dataShape: [DIMS], seed: 5 });
    const train = tf.tensor(data.x, [data.count, DIMS]);
    for (let i = 0; i < 60; i += 1) model.trainStep(train).dispose();
    train.dispose();
  });
  afterAll(() => model.dispose());

  it('reports −ELBO and −IWAE-k per example in nats and bits/dim, with standard errors', async () => {
    const estimates = await evaluateLikelihood(model, data, { k: 20, batchSize: 16 });
    expect(estimates.map((e) => e.estimator)).toEqual(['elbo', 'iwae-20']);
    for (const e of estimates) {
      expect(e.metric).toBe('nll');
      expect(e.sampleCount).toBe(40);
      expect(e.valueNats).toBeGreaterThan(0);
      expect(e.stdErrorNats).toBeGreaterThan(0);
      expect(e.bitsPerDim).toBeCloseTo(natsToBitsPerDim(e.valueNats, DIMS), 12);
      expect(e.stdErrorBitsPerDim).toBeCloseTo(e.stdErrorNats / (DIMS * Math.LN2), 12);
    }
    const [elbo, iwae] = estimates;
    expect(iwae.valueNats).toBeLessThan(elbo.valueNats); // the IWAE bound is tighter
  });

  it('gives the same estimates for a tensor and for rows, and for the same seed', async () => {
    const tensor = tf.tensor(data.x, [data.count, DIMS]);
    const fromTensor = await evaluateLikelihood(model, tensor, { k: 5, batchSize: 16, seed: 3 });
    tensor.dispose();
    expect(await evaluateLikelihood(model, data, { k: 5, batchSize: 16, seed: 3 })).toEqual(fromTensor);
    expect(await evaluateLikelihood(model, data, { k: 5, batchSize: 16, seed: 4 })).not.toEqual(fromTensor);
  });

  it('runs only the requested estimators and refuses ones the model lacks', async () => {
    const [only] = await evaluateLikelihood(model, data, { estimators: ['iwae'], k: 3 });
    expect(only.estimator).toBe('iwae-3');
    await expect(evaluateLikelihood(model, data, { estimators: ['exact'] })).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: expect.stringMatching(/'exact'.*supports: elbo, iwae/),
    });
    await expect(evaluateLikelihood(model, data, { k: 0 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(evaluateLikelihood(model, { ...data, count: 41 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });

  it('leaves no tensors behind', async () => {
    await evaluateLikelihood(model, data, { k: 4, batchSize: 7 });
    const before = tf.memory().numTensors;
    await evaluateLikelihood(model, data, { k: 4, batchSize: 7 });
    const tensor = tf.tensor(data.x, [data.count, DIMS]);
    await evaluateLikelihood(model, tensor, { k: 4, batchSize: 7 });
    tensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
