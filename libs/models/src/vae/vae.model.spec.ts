import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ring8 } from '@genlab/data';
import { ErrorCode } from '@genlab/errors';
import { decodeModelBytes } from '../serialization/model-bytes';
import { createModel, loadModel } from '../model-registry';
import { describeGenerativeModelContract } from '../testing/generative-model.contract';
import type { VaeModel } from './vae.model';

/** 16 fixed binary 4×4 "images": two prototypes (a bar and a square) with a few flipped pixels. */
function binaryBatch(): tf.Tensor {
  const bar = [0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0];
  const square = [1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1];
  const rows = Array.from({ length: 16 }, (_, i) => {
    const row = [...(i % 2 ? bar : square)];
    row[(i * 5) % 16] = 1 - row[(i * 5) % 16];
    return row;
  });
  return tf.tensor(rows.flat(), [16, 4, 4, 1]);
}

describeGenerativeModelContract({
  family: 'vae',
  config: { latentDim: 2, hiddenDims: [16], learningRate: 1e-2 },
  dataShape: [4, 4, 1],
  batch: binaryBatch,
});

describeGenerativeModelContract({
  family: 'vae',
  label: 'vae (conditional on square or bar)',
  config: { latentDim: 2, hiddenDims: [16], learningRate: 1e-2, conditional: true },
  dataShape: [4, 4, 1],
  batch: binaryBatch,
  // binaryBatch's row i is a square (i even: class 0) or a bar (i odd: class 1).
  labels: () => tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 2), 'int32'),
  numClasses: 2,
});

/** `count` ring8 points (8 Gaussians of std 0.02 on the circle of radius 2) as `[count, 2]`. */
function ring8Points(count: number, seed: number): tf.Tensor2D {
  const data = ring8.sample(count, seed);
  return tf.tensor2d(data.x, [data.count, 2]);
}

describeGenerativeModelContract({
  family: 'vae',
  label: 'vae (gaussian likelihood)',
  config: { likelihood: 'gaussian', latentDim: 2, hiddenDims: [16], learningRate: 1e-2 },
  dataShape: [2],
  batch: () => ring8Points(16, 5),
  continuous: true,
});

describe('vae with the default (vae-mlp) config', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('is 784-400-2×20 / 20-400-784 on MNIST-shaped data, with PyTorch-style initial weights', async () => {
    const model = createModel('vae', {}, { dataShape: [28, 28, 1], seed: 0 }) as VaeModel;
    expect(model.config).toMatchObject({ architecture: 'mlp', latentDim: 20, hiddenDims: [400], likelihood: 'bernoulli', beta: 1 });
    expect(model.parameterCount).toBe(784 * 400 + 400 + 400 * 40 + 40 + 20 * 400 + 400 + 400 * 784 + 784);

    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 1).greater(0.5).toFloat();
    const [samples, z, elbo, iwae] = [model.sample(2, 1), model.encode!(x), model.elbo(x), model.iwaeBound(x, 3)];
    expect(samples.shape).toEqual([2, 28, 28, 1]);
    expect(z.shape).toEqual([3, 20]);
    expect(elbo.shape).toEqual([3]);
    expect(iwae.shape).toEqual([3]);
    const probabilities = await samples.data();
    expect(probabilities.every((p) => p > 0 && p < 1)).toBe(true);
    // An untrained decoder is near p = 1/2 per pixel: about 784·ln 2 ≈ 543 nats per example.
    const firstElbo = (await elbo.data())[0];
    expect(firstElbo).toBeLessThan(-400);
    expect(firstElbo).toBeGreaterThan(-700);

    const decoded = model.decode!(z);
    expect(decoded.shape).toEqual([3, 28, 28, 1]);
    tf.dispose([x, samples, z, elbo, iwae, decoded]);
    model.dispose();
  });
});

describe('vae estimators', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('gives the same IWAE bound for the same seed whatever memory bound is used, up to sampling', async () => {
    const model = createModel('vae', { latentDim: 2, hiddenDims: [8] }, { dataShape: [6], seed: 3 });
    const x = tf.tensor([[0, 1, 0, 1, 1, 0], [1, 1, 1, 0, 0, 0]]);
    const big = model.iwaeBound!(x, 40, { seed: 11 });
    const again = model.iwaeBound!(x, 40, { seed: 11 });
    expect(Array.from(await again.data())).toEqual(Array.from(await big.data()));
    // Chunked (1 sample per chunk) draws different noise but estimates the same bound.
    const chunked = model.iwaeBound!(x, 40, { seed: 11, maxChunkElements: 1 });
    const [a, b] = [await big.data(), await chunked.data()];
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(0.5));
    tf.dispose([x, big, again, chunked]);
    model.dispose();
  });

  it('stays finite for extreme logits (numerically stable log-sigmoid forms)', async () => {
    const model = createModel('vae', { latentDim: 2, hiddenDims: [4] }, { dataShape: [3], seed: 1 });
    const z = tf.tensor([[1e4, -1e4]]);
    const x = tf.tensor([[1, 0, 1]]);
    const decoded = model.decode!(z);
    expect(Array.from(await decoded.data()).every(Number.isFinite)).toBe(true);
    const elbo = model.elbo!(x, { seed: 1 });
    expect(Number.isFinite((await elbo.data())[0])).toBe(true);
    tf.dispose([z, x, decoded, elbo]);
    model.dispose();
  });

  it('rejects bad arguments with INVALID_ARGUMENT', () => {
    const model = createModel('vae', { latentDim: 2, hiddenDims: [4] }, { dataShape: [3], seed: 1 });
    const x = tf.zeros([2, 3]);
    const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });
    expect(() => model.iwaeBound!(x, 0)).toThrow(invalid);
    expect(() => model.iwaeBound!(x, 2.5)).toThrow(invalid);
    expect(() => model.sample(0, 1)).toThrow(invalid);
    expect(() => model.sample(2, -1)).toThrow(invalid);
    expect(() => model.elbo!(x, { seed: 1.5 })).toThrow(invalid);
    const wrongZ = tf.zeros([2, 3]);
    expect(() => model.decode!(wrongZ)).toThrow(invalid);
    tf.dispose([x, wrongZ]);
    model.dispose();
  });
});

describe('vae with a gaussian likelihood', () => {
  beforeAll(() => initCompute({ logger: false }));

  const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, x) => a + x, 0) / xs.length;

  it('learns ring8: the negative ELBO falls over 300 steps and samples land near radius 2', async () => {
    const config = { likelihood: 'gaussian', latentDim: 2, hiddenDims: [64, 64], learningRate: 3e-3, batchSize: 512 } as const;
    const model = createModel('vae', config, { dataShape: [2], seed: 1 }) as VaeModel;
    const train = ring8Points(4096, 1);
    const heldOut = ring8Points(1000, 2);
    const negativeElbo = async () => {
      const elbo = model.elbo(heldOut, { seed: 1 });
      const value = -mean(await elbo.data());
      elbo.dispose();
      return value;
    };

    const before = await negativeElbo(); // ≈ ½·(4 + 2·log 2π) + KL ≈ 3.9 nats with σ = 1
    for (let step = 0; step < 300; step += 1) {
      const start = (step * config.batchSize) % train.shape[0];
      const batch = train.slice([start, 0], [config.batchSize, 2]);
      model.trainStep(batch).dispose();
      batch.dispose();
    }
    const after = await negativeElbo();
    expect(after).toBeLessThan(before - 0.2);

    // sample() is the decoder mean μ(z), z ~ N(0, I): it spreads round the ring, not at the
    // origin (posterior collapse would put every sample at the data mean, radius ≈ 0).
    const samples = model.sample(1000, 3);
    const radii = tf.tidy(() => tf.sqrt(tf.sum(tf.square(samples), 1)));
    expect(Math.abs(mean(await radii.data()) - 2)).toBeLessThan(0.5);
    tf.dispose([train, heldOut, samples, radii]);
    model.dispose();
  }, 60_000);

  it('saves its learned decoder log-variance and restores it', async () => {
    const model = createModel('vae', { likelihood: 'gaussian', latentDim: 2, hiddenDims: [8], learningRate: 1e-2 }, { dataShape: [2], seed: 4 }) as VaeModel;
    const x = ring8Points(32, 3);
    for (let i = 0; i < 20; i += 1) model.trainStep(x).dispose();
    const bytes = await model.save();
    const logVar = decodeModelBytes(bytes).tensors.find((t) => t.name === 'decoder.logVar');
    expect(logVar?.shape).toEqual([2]);
    // It is trained: 20 Adam steps of 1e-2 moved it off its initial 0.
    Array.from(logVar?.data ?? []).forEach((v) => expect(Math.abs(v)).toBeGreaterThan(0.05));

    const restored = (await loadModel(bytes)) as VaeModel;
    const [a, b] = [model.elbo(x, { seed: 9 }), restored.elbo(x, { seed: 9 })];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    model.dispose();
    restored.dispose();
  });

  it('decodes and samples the mean itself (any real values), and keeps bounds finite far from the data', async () => {
    const model = createModel('vae', { likelihood: 'gaussian', latentDim: 2, hiddenDims: [4] }, { dataShape: [3], seed: 1 }) as VaeModel;
    const z = tf.tensor([[1e4, -1e4]]);
    const decodedTensor = model.decode!(z);
    const decoded = await decodedTensor.data();
    expect(decoded.every(Number.isFinite)).toBe(true);
    expect(decoded.some((v) => v < 0 || v > 1)).toBe(true); // not squashed into (0, 1)
    const x = tf.tensor([[1e3, -1e3, 0]]);
    const [elbo, iwae] = [model.elbo(x, { seed: 1 }), model.iwaeBound(x, 5, { seed: 1 })];
    expect([...(await elbo.data()), ...(await iwae.data())].every(Number.isFinite)).toBe(true);
    tf.dispose([z, decodedTensor, x, elbo, iwae]);
    model.dispose();
  });
});
