import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ring8 } from '@genlab/data';
import { ErrorCode } from '@genlab/errors';
import { assertDatasetFits, createModel, loadModel, parseConfig, trainingPlan } from '../model-registry';
import { describeGenerativeModelContract } from '../testing/generative-model.contract';
import { LOGIT_ALPHA } from './realnvp.dequantize';
import type { RealNvpModel } from './realnvp.model';

/** `count` ring8 points as `[count, 2]`. */
function ring8Points(count: number, seed: number): tf.Tensor2D {
  const data = ring8.sample(count, seed);
  return tf.tensor2d(data.x, [data.count, 2]);
}

/** 16 fixed 4×4 8-bit "images" (values k/255): a bright bar or a dark square on noise-free backgrounds. */
function pixelBatch(): tf.Tensor {
  const rows = Array.from({ length: 16 }, (_, i) =>
    Array.from({ length: 16 }, (_, p) => {
      const onBar = p % 4 === 1 || p % 4 === 2;
      const base = i % 2 ? (onBar ? 230 : 20) : p < 8 ? 200 : 40;
      return (base + ((i * 7 + p * 3) % 11)) / 255;
    }),
  );
  return tf.tensor(rows.flat(), [16, 4, 4, 1]);
}

describeGenerativeModelContract({
  family: 'realnvp',
  label: 'realnvp (2-D)',
  config: { numCouplings: 4, hiddenDims: [16, 16], learningRate: 1e-2 },
  dataShape: [2],
  batch: () => ring8Points(16, 5),
  continuous: true,
});

describeGenerativeModelContract({
  family: 'realnvp',
  label: 'realnvp (tiny images, dequantized)',
  config: { numCouplings: 4, hiddenDims: [16], learningRate: 1e-2 },
  dataShape: [4, 4, 1],
  batch: pixelBatch,
});

describeGenerativeModelContract({
  family: 'realnvp',
  label: 'realnvp (2-D, conditional)',
  config: { numCouplings: 4, hiddenDims: [16, 16], learningRate: 1e-2, conditional: true },
  dataShape: [2],
  batch: () => ring8Points(16, 5),
  // Any fixed classes will do: the flow models each class's points.
  labels: () => tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 3), 'int32'),
  numClasses: 3,
  continuous: true,
});

describeGenerativeModelContract({
  family: 'realnvp',
  label: 'realnvp (tiny images, dequantized, conditional on bar or square)',
  config: { numCouplings: 4, hiddenDims: [16], learningRate: 1e-2, conditional: true },
  dataShape: [4, 4, 1],
  batch: pixelBatch,
  // pixelBatch's row i is a bar (i odd: class 1) or a square (i even: class 0).
  labels: () => tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 2), 'int32'),
  numClasses: 2,
});

const standardNormalLogDensity = (z: number[]) => z.reduce((s, v) => s - 0.5 * v * v - 0.5 * Math.log(2 * Math.PI), 0);

async function trainRing8(model: RealNvpModel, steps: number, batchSize = 512): Promise<void> {
  const train = ring8Points(4096, 1);
  for (let step = 0; step < steps; step += 1) {
    const start = (step * batchSize) % train.shape[0];
    const batch = train.slice([start, 0], [batchSize, 2]);
    model.trainStep(batch).dispose();
    batch.dispose();
  }
  train.dispose();
}

describe('realnvp flow on 2-D data', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('is the realnvp-ring8 architecture with the defaults: 8 couplings of 1-64-64-2 conditioners, 3,000 steps of 512', () => {
    const model = createModel('realnvp', {}, { dataShape: [2], seed: 0 }) as RealNvpModel;
    expect(model.parameterCount).toBe(8 * (1 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2));
    expect(model.latentDim).toBe(2);
    expect(model.dequantization).toBe('none');
    expect(trainingPlan('realnvp', {}, 4096)).toMatchObject({ batchSize: 512, totalSteps: 3000 });
    model.dispose();
  });

  it('inverts exactly: decode(encode(x)) = x and encode(decode(z)) = z to float32 precision', async () => {
    const model = createModel('realnvp', { learningRate: 1e-2 }, { dataShape: [2], seed: 3 }) as RealNvpModel;
    await trainRing8(model, 20);
    const x = ring8Points(200, 7);
    const z = tf.randomNormal([200, 2], 0, 1, 'float32', 2);
    const [zx, xz] = [model.encode!(x), model.decode!(z)];
    const [back, again] = [model.decode!(zx), model.encode!(xz)];
    const maxDiff = async (a: tf.Tensor, b: tf.Tensor) => (await tf.tidy(() => tf.max(tf.abs(tf.sub(a, b)))).data())[0];
    expect(await maxDiff(back, x)).toBeLessThan(1e-5);
    expect(await maxDiff(again, z)).toBeLessThan(1e-5);
    tf.dispose([x, z, zx, xz, back, again]);
    model.dispose();
  });

  it('has the log-determinant of a numerical (finite-difference) Jacobian', async () => {
    const model = createModel('realnvp', { learningRate: 1e-2 }, { dataShape: [2], seed: 4 }) as RealNvpModel;
    await trainRing8(model, 30);
    const points = [
      [2, 0],
      [0.3, -1.1],
      [-1.41, 1.41],
      [0.05, 0.02],
      [-3, -2.5],
    ];
    const h = 1e-3;
    const inputs: number[][] = [];
    for (const [a, b] of points) inputs.push([a, b], [a + h, b], [a - h, b], [a, b + h], [a, b - h]);
    const x = tf.tensor2d(inputs);
    const zt = model.encode!(x);
    const lp = model.logProb(x);
    const [z, logP] = [(await zt.array()) as number[][], Array.from(await lp.data())];
    points.forEach((_, i) => {
      const [c, xp, xm, yp, ym] = z.slice(5 * i, 5 * i + 5);
      const j = [
        [(xp[0] - xm[0]) / (2 * h), (yp[0] - ym[0]) / (2 * h)],
        [(xp[1] - xm[1]) / (2 * h), (yp[1] - ym[1]) / (2 * h)],
      ];
      const numericalLogDet = Math.log(Math.abs(j[0][0] * j[1][1] - j[0][1] * j[1][0]));
      // logProb = log N(z) + log|det ∂z/∂x|
      const modelLogDet = logP[5 * i] - standardNormalLogDensity(c);
      expect(Math.abs(modelLogDet - numericalLogDet), `point ${points[i].join(', ')}`).toBeLessThan(2e-2);
    });
    tf.dispose([x, zt, lp]);
    model.dispose();
  });

  it('is a normalised density after training: its integral over a grid is ≈ 1', async () => {
    const model = createModel('realnvp', { learningRate: 3e-3 }, { dataShape: [2], seed: 5 }) as RealNvpModel;
    await trainRing8(model, 100, 256);
    const [lo, hi, cells] = [-5, 5, 250];
    const step = (hi - lo) / cells;
    const grid = tf.tidy(() => {
      const axis = tf.add(tf.mul(tf.range(0, cells), step), lo + step / 2);
      const xs = tf.tile(axis.reshape([1, cells]), [cells, 1]).reshape([-1, 1]);
      const ys = tf.tile(axis.reshape([cells, 1]), [1, cells]).reshape([-1, 1]);
      return tf.concat([xs, ys], 1);
    });
    const lp = model.logProb(grid);
    const integral = (await tf.tidy(() => tf.mul(tf.sum(tf.exp(lp)), step * step)).data())[0];
    expect(Math.abs(integral - 1)).toBeLessThan(0.05);
    // And training concentrated it near the ring: more mass within 0.5 of radius 2 than a standard normal has (≈ 0.28).
    const nearRing = tf.tidy(() => {
      const r = tf.sqrt(tf.sum(tf.square(grid), 1));
      return tf.mul(tf.sum(tf.mul(tf.exp(lp), tf.cast(tf.less(tf.abs(tf.sub(r, 2)), 0.5), 'float32'))), step * step);
    });
    expect((await nearRing.data())[0]).toBeGreaterThan(0.5);
    tf.dispose([grid, lp, nearRing]);
    model.dispose();
  }, 60_000);
});

describe('realnvp on images (uniform dequantization, logit transform)', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('returns the density of the dequantized value in [0, 256)^D: the flow density of y plus log|∂y/∂v|', async () => {
    const config = { numCouplings: 4, hiddenDims: [16] };
    // Same seed and architecture ⇒ same weights; one model dequantizes, the other is the bare flow on y.
    const image = createModel('realnvp', config, { dataShape: [4, 4, 1], seed: 9 }) as RealNvpModel;
    const bare = createModel('realnvp', { ...config, dequantize: 'none' }, { dataShape: [4, 4, 1], seed: 9 }) as RealNvpModel;
    expect(image.dequantization).toBe('uniform');
    const x = pixelBatch();
    const u = tf.randomUniform([16, 16], 0, 1, 'float32', 21);
    const a = LOGIT_ALPHA;
    const { y, logDet } = tf.tidy(() => {
      const p = tf.add(a, tf.mul(1 - 2 * a, tf.div(tf.add(tf.mul(x.reshape([16, 16]), 255), u), 256)));
      return {
        y: tf.sub(tf.log(p), tf.log(tf.sub(1, p))),
        logDet: tf.sum(tf.sub(Math.log(1 - 2 * a) - Math.log(256), tf.add(tf.log(p), tf.log(tf.sub(1, p)))), 1),
      };
    });
    const [withDequant, flowOnly] = [image.logProb(x, { seed: 21 }), bare.logProb(y)];
    const [got, flow, det] = [await withDequant.data(), await flowOnly.data(), await logDet.data()];
    got.forEach((v, i) => expect(v).toBeCloseTo(flow[i] + det[i], 2));
    // bits/dim = −log p / (D ln 2) is a sensible figure for 8-bit data (8 would be a uniform model).
    got.forEach((v) => expect(-v / (16 * Math.LN2)).toBeGreaterThan(0));
    tf.dispose([x, u, y, logDet, withDequant, flowOnly]);
    [image, bare].forEach((m) => m.dispose());
  });

  it('decodes what it encodes (cell-centre dequantization) and samples 8-bit values in [0, 1]', async () => {
    const model = createModel('realnvp', { numCouplings: 4, hiddenDims: [16] }, { dataShape: [4, 4, 1], seed: 2 });
    const x = pixelBatch();
    for (let i = 0; i < 5; i += 1) model.trainStep(x).dispose();
    const z = model.encode!(x);
    expect(z.shape).toEqual([16, 16]);
    const back = model.decode!(z);
    expect(back.shape).toEqual([16, 4, 4, 1]);
    const diff = (await tf.tidy(() => tf.max(tf.abs(tf.sub(back, x)))).data())[0];
    expect(diff).toBeLessThan(1e-4);
    const s = model.sample(8, 1);
    const values = Array.from(await s.data());
    values.forEach((v) => {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-3);
    });
    tf.dispose([x, z, back, s]);
    model.dispose();
  });

  it('builds for MNIST-shaped data and reports ≈ 8 bits/dim or less before training', async () => {
    const model = createModel('realnvp', {}, { dataShape: [28, 28, 1], seed: 0 });
    const x = tf.tidy(() => tf.div(tf.floor(tf.randomUniform([4, 28, 28, 1], 0, 256, 'float32', 1)), 255));
    const lp = model.logProb!(x, { seed: 1 });
    const bitsPerDim = Array.from(await lp.data()).map((v) => -v / (784 * Math.LN2));
    bitsPerDim.forEach((b) => {
      expect(Number.isFinite(b)).toBe(true);
      expect(b).toBeGreaterThan(7);
      expect(b).toBeLessThan(12);
    });
    tf.dispose([x, lp]);
    model.dispose();
  });

  it('restores after save with the same log-probabilities', async () => {
    const model = createModel('realnvp', { numCouplings: 2, hiddenDims: [8] }, { dataShape: [4, 4, 1], seed: 8 });
    const x = pixelBatch();
    for (let i = 0; i < 3; i += 1) model.trainStep(x).dispose();
    const restored = await loadModel(await model.save());
    const [a, b] = [model.logProb!(x, { seed: 4 }), restored.logProb!(x, { seed: 4 })];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    model.dispose();
    restored.dispose();
  });
});

describe('realnvp config and data hooks', () => {
  beforeAll(() => initCompute({ logger: false }));
  const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });

  it('fills in the workload defaults and rejects bad fields', () => {
    expect(parseConfig('realnvp', {})).toEqual({
      numCouplings: 8,
      hiddenDims: [64, 64],
      dequantize: 'auto',
      conditional: false,
      learningRate: 1e-3,
      batchSize: 512,
      epochs: 3000,
      maxSteps: 3000,
    });
    expect(() => parseConfig('realnvp', { numCouplings: 0 })).toThrow(/config\.numCouplings: must be a positive integer/);
    expect(() => parseConfig('realnvp', { dequantize: 'variational' })).toThrow(/config\.dequantize/);
    expect(() => parseConfig('realnvp', { conditional: 'yes' })).toThrow(/config\.conditional: must be true or false/);
  });

  it('rejects 1-D data and images outside [0, 1] with INVALID_ARGUMENT', () => {
    expect(() => createModel('realnvp', {}, { dataShape: [1], seed: 1 })).toThrow(invalid);
    const summary = { shape: [28, 28, 1], trainCount: 8000, min: 0, max: 1 };
    expect(() => assertDatasetFits('realnvp', {}, summary)).not.toThrow();
    expect(() => assertDatasetFits('realnvp', {}, { ...summary, max: 255 })).toThrow(/rescale it to \[0, 1\], or set dequantize 'none'/);
    expect(() => assertDatasetFits('realnvp', { dequantize: 'none' }, { ...summary, max: 255 })).not.toThrow();
    expect(() => assertDatasetFits('realnvp', {}, { shape: [2], trainCount: 4096, min: -2.1, max: 2.1 })).not.toThrow();
    expect(() => assertDatasetFits('realnvp', { batchSize: 1 }, { shape: [1], trainCount: 10, min: 0, max: 1 })).toThrow(/at least 2 values/);
  });
});
