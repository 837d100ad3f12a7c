import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ring8 } from '@genlab/data';
import { deadlinePassed, ErrorCode } from '@genlab/errors';
import { assertDatasetFits, createModel, parseConfig } from '../model-registry';
import { describeGenerativeModelContract } from '../testing/generative-model.contract';
import { expectNoTensorLeak } from '../testing/tensor-leak';
import { Diffusion } from './ddpm.diffusion';
import type { DdpmModel } from './ddpm.model';
import { createSchedule } from './ddpm.schedule';

/** `count` ring8 points (8 Gaussians of std 0.02 on the circle of radius 2) as `[count, 2]`. */
function ring8Points(count: number, seed: number): tf.Tensor2D {
  const data = ring8.sample(count, seed);
  return tf.tensor2d(data.x, [data.count, 2]);
}

const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, x) => a + x, 0) / xs.length;
const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });

describeGenerativeModelContract({
  family: 'ddpm',
  label: 'ddpm (mlp, 2-D points)',
  config: { hiddenDims: [32, 32], timesteps: 20, learningRate: 1e-2 },
  dataShape: [2],
  batch: () => ring8Points(32, 5),
  continuous: true,
});

/** 8 grey-level 8×8 images (multiples of 1/255): horizontal and vertical gradients. */
function greyImages(): tf.Tensor4D {
  const values = Array.from({ length: 8 }, (_, i) =>
    Array.from({ length: 64 }, (_, p) => Math.round(((i % 2 ? p % 8 : Math.floor(p / 8)) * 255) / 7 + i) % 256 / 255),
  );
  return tf.tensor4d(values.flat(), [8, 8, 8, 1]);
}

describeGenerativeModelContract({
  family: 'ddpm',
  label: 'ddpm (unet, 8×8 images)',
  config: { architecture: 'unet', baseChannels: 4, timesteps: 20, timeEmbeddingDim: 8, learningRate: 1e-2 },
  dataShape: [8, 8, 1],
  batch: greyImages,
});

describe('ddpm forward process', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('draws q(x_t | x_0) with mean √ᾱ_t·x_0 and variance 1 − ᾱ_t, as the chain of single steps does', async () => {
    const schedule = createSchedule('linear', 100);
    const identity = { inputShape: [2], activationElements: 2, predict: (x: tf.Tensor) => x.clone(), dispose: () => undefined };
    const diffusion = new Diffusion(schedule, identity, 'gaussian');
    const n = 20000;
    const t = 30; // the paper's step t, index t − 1
    const x0 = tf.tile(tf.tensor2d([[1.5, -0.5]]), [n, 1]);
    const closedForm = diffusion.noisy(x0, tf.fill([n], t - 1, 'int32') as tf.Tensor1D, tf.randomNormal([n, 2], 0, 1, 'float32', 1));
    // x_t = √(1 − β_t)·x_{t−1} + √β_t·ε, step by step from x_0.
    let chained: tf.Tensor = x0.clone();
    for (let i = 0; i < t; i += 1) {
      const next = tf.tidy(() =>
        chained.mul(Math.sqrt(1 - schedule.betas[i])).add(tf.randomNormal([n, 2], 0, Math.sqrt(schedule.betas[i]), 'float32', 100 + i)),
      );
      chained.dispose();
      chained = next;
    }
    const alphaBar = schedule.alphaBars[t - 1];
    for (const draws of [closedForm, chained]) {
      const { mean: m, variance: v } = tf.moments(draws, 0);
      const [means, variances] = [await m.data(), await v.data()];
      [1.5, -0.5].forEach((x, d) => expect(Math.abs(means[d] - Math.sqrt(alphaBar) * x)).toBeLessThan(0.02));
      variances.forEach((value) => expect(Math.abs(value - (1 - alphaBar)) / (1 - alphaBar)).toBeLessThan(0.04));
      tf.dispose([m, v]);
    }
    tf.dispose([x0, closedForm, chained]);
    diffusion.dispose();
  });
});

describe('ddpm variational bound', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('does not depend on how the T terms are chunked', async () => {
    const model = createModel('ddpm', { hiddenDims: [16], timesteps: 30 }, { dataShape: [2], seed: 2 });
    const x = ring8Points(8, 1);
    const [whole, chunked] = [model.elbo!(x, { seed: 4 }), (model as DdpmModel).elbo(x, { seed: 4, maxChunkElements: 1 })];
    const [a, b] = [await whole.data(), await chunked.data()];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 3));
    tf.dispose([x, whole, chunked]);
    model.dispose();
  });

  it('for the unet is a bound on the probability of 8-bit images: finite and ≤ 0 nats', async () => {
    const model = createModel('ddpm', { architecture: 'unet', baseChannels: 4, timesteps: 50 }, { dataShape: [8, 8, 1], seed: 2 });
    const x = greyImages();
    const elbo = model.elbo!(x, { seed: 1 });
    const values = await elbo.data();
    expect(values.every((v) => Number.isFinite(v) && v <= 0)).toBe(true);
    tf.dispose([x, elbo]);
    model.dispose();
  });

  it('is finite and improves with training on ring8; samples land near radius 2', async () => {
    const config = { hiddenDims: [64, 64], timesteps: 100, learningRate: 3e-3, batchSize: 256 } as const;
    const model = createModel('ddpm', config, { dataShape: [2], seed: 1 });
    const train = ring8Points(4096, 1);
    const heldOut = ring8Points(256, 2);
    const bound = async () => {
      const elbo = model.elbo!(heldOut, { seed: 1 });
      const values = await elbo.data();
      elbo.dispose();
      expect(values.every(Number.isFinite)).toBe(true);
      return mean(values);
    };
    const before = await bound();
    for (let step = 0; step < 400; step += 1) {
      const start = (step * config.batchSize) % train.shape[0];
      const batch = train.slice([start, 0], [config.batchSize, 2]);
      model.trainStep(batch).dispose();
      batch.dispose();
    }
    const after = await bound();
    expect(after).toBeGreaterThan(before + 1);

    const samples = model.sample(500, 3);
    const radii = tf.tidy(() => tf.sqrt(tf.sum(tf.square(samples), 1)));
    expect(Math.abs(mean(await radii.data()) - 2)).toBeLessThan(0.3);
    tf.dispose([train, heldOut, samples, radii]);
    model.dispose();
  }, 60_000);
});

describe('ddpm respaced sampling', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('with steps = T is the full sampler; with fewer steps it is seeded, finite and different', async () => {
    const model = createModel('ddpm', { hiddenDims: [16], timesteps: 40 }, { dataShape: [2], seed: 4 });
    const values = async (t: tf.Tensor) => {
      const v = Array.from(await t.data());
      t.dispose();
      return v;
    };
    const full = await values(model.sample(6, 3));
    expect(await values(model.sample(6, 3, { steps: 40 }))).toEqual(full);
    expect(await values(model.sample(6, 3, { steps: 400 }))).toEqual(full); // capped at T
    const coarse = await values(model.sample(6, 3, { steps: 8 }));
    expect(coarse).toHaveLength(12);
    expect(coarse.every(Number.isFinite)).toBe(true);
    expect(coarse).not.toEqual(full);
    expect(await values(model.sample(6, 3, { steps: 8 }))).toEqual(coarse);
    expect(() => model.sample(6, 3, { steps: 0 })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
    model.dispose();
  });
});

describe('ddpm sampling cancellation', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('stops between timesteps once isCancelled says so, with CANCELLED and no tensor left behind', async () => {
    const model = createModel('ddpm', { hiddenDims: [16], timesteps: 40 }, { dataShape: [2], seed: 4 });
    for (const steps of [undefined, 10]) {
      let checks = 0;
      const isCancelled = () => ++checks > 5;
      await expectNoTensorLeak(
        () => {
          checks = 0;
          try {
            model.sample(6, 3, { steps, isCancelled });
          } catch (error) {
            return error;
          }
          throw new Error('sampling was not cancelled');
        },
        { label: `cancelled sampling (steps ${steps ?? 'T'})` },
      );
      expect(checks).toBe(6); // stopped at the sixth check, not at the end
      expect(() => model.sample(6, 3, { steps, isCancelled: () => true })).toThrow(
        expect.objectContaining({ code: ErrorCode.Cancelled, message: expect.stringContaining('ddpm sampling stopped after 0 of') }),
      );
    }
    model.dispose();
  });

  it('stops with DEADLINE_EXCEEDED when the signal says the deadline passed', () => {
    const model = createModel('ddpm', { hiddenDims: [16], timesteps: 40 }, { dataShape: [2], seed: 4 });
    const controller = new AbortController();
    controller.abort(deadlinePassed("the call's deadline passed after 150 ms"));
    expect(() => model.sample(6, 3, { isCancelled: () => true, signal: controller.signal })).toThrow(
      expect.objectContaining({ code: ErrorCode.DeadlineExceeded, message: "ddpm sampling stopped after 0 of 40 steps: the call's deadline passed after 150 ms" }),
    );
    model.dispose();
  });
});

describe('ddpm config and data rules', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('defaults T by architecture: 200 for mlp, 1000 for unet', () => {
    expect(parseConfig('ddpm', {}).timesteps).toBe(200);
    expect(parseConfig('ddpm', { architecture: 'unet' }).timesteps).toBe(1000);
    expect(parseConfig('ddpm', { architecture: 'unet', timesteps: 50 }).timesteps).toBe(50);
  });

  it('names bad fields', () => {
    expect(() => parseConfig('ddpm', { timesteps: 1 })).toThrow(/config\.timesteps: must be an integer from 2 to 4000/);
    expect(() => parseConfig('ddpm', { schedule: 'quadratic' })).toThrow(/config\.schedule: must be 'linear' or 'cosine'/);
    expect(() => parseConfig('ddpm', { timeEmbeddingDim: 7 })).toThrow(/config\.timeEmbeddingDim/);
    expect(() => parseConfig('ddpm', { levels: 3 })).toThrow(/config\.levels: must be 1 or 2/);
  });

  it('rejects data the unet cannot model, before any job is queued', () => {
    const unet = { architecture: 'unet' };
    expect(() => assertDatasetFits('ddpm', unet, { shape: [2], trainCount: 1000, min: -3, max: 3 })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(/\[height, width, channels\].*architecture 'mlp'/) }),
    );
    expect(() => assertDatasetFits('ddpm', unet, { shape: [28, 28, 1], trainCount: 1000, min: 0, max: 255 })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(/\[0, 1\]/) }),
    );
    expect(() => assertDatasetFits('ddpm', unet, { shape: [7, 7, 1], trainCount: 1000, min: 0, max: 1 })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(/set levels to 1/) }),
    );
    expect(() => assertDatasetFits('ddpm', { ...unet, levels: 1 }, { shape: [7, 7, 1], trainCount: 1000, min: 0, max: 1 })).not.toThrow();
    expect(() => assertDatasetFits('ddpm', {}, { shape: [2], trainCount: 1000, min: -3, max: 3 })).not.toThrow();
    expect(() => createModel('ddpm', unet, { dataShape: [2], seed: 1 })).toThrow(invalid);
  });

  it('rejects bad estimator and sampling arguments', () => {
    const model = createModel('ddpm', { hiddenDims: [4], timesteps: 4 }, { dataShape: [2], seed: 1 }) as DdpmModel;
    const x = tf.zeros([2, 2]);
    expect(() => model.sample(0, 1)).toThrow(invalid);
    expect(() => model.elbo(x, { seed: -1 })).toThrow(invalid);
    expect(() => model.elbo(x, { maxChunkElements: 0 })).toThrow(invalid);
    x.dispose();
    model.dispose();
  });
});
