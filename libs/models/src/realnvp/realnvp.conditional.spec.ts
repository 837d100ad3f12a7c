import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ErrorCode } from '@genlab/errors';
import { sampleLabels } from '../conditioning/class-labels';
import { canDecode, canEncode } from '../generative-model';
import { createModel, familyInfo, loadModel, parseConfig } from '../model-registry';
import { ParameterSet } from '../nn/parameter-set';
import { decodeModelBytes, encodeModelBytes } from '../serialization/model-bytes';
import { expectNoTensorLeak } from '../testing/tensor-leak';
import type { RealNvpConfig } from './realnvp.config';
import { createRealNvpFlow, flowForward, flowInverse } from './realnvp.flow';
import type { RealNvpModel } from './realnvp.model';

const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });
const read = async (t: tf.Tensor) => {
  const values = Array.from(await t.data());
  t.dispose();
  return values;
};
const maxAbsDiff = async (a: tf.Tensor, b: tf.Tensor) => (await read(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))))))[0];

/** Two well-separated 2-D Gaussian classes: class 0 around (−2, 0), class 1 around (2, 0.5), std 0.5 (a, b differ per class). */
function twoGaussians(count: number, seed: number): { x: tf.Tensor2D; labels: tf.Tensor1D } {
  return tf.tidy(() => {
    const classes = Array.from({ length: count }, (_, i) => i % 2);
    const labels = tf.tensor1d(classes, 'int32');
    const centres = tf.tensor2d(classes.map((c) => (c === 0 ? [-2, 0] : [2, 0.5])));
    const scales = tf.tensor2d(classes.map((c) => (c === 0 ? [0.5, 0.3] : [0.3, 0.6])));
    const x = tf.add(centres, tf.mul(scales, tf.randomNormal([count, 2], 0, 1, 'float32', seed))) as tf.Tensor2D;
    return { x, labels };
  });
}

/** A flow config (defaults filled in) for the flow-level tests. */
const flowConfig = (input: Record<string, unknown>) => parseConfig('realnvp', input) as RealNvpConfig;

describe('conditional realnvp: the flow given a label', () => {
  beforeAll(() => initCompute({ logger: false }));

  it.each([
    ['2-D split couplings', [2]],
    ['5-D split couplings', [5]],
    ['images, masked couplings', [3, 3, 1]],
  ] as const)('inverts exactly with labels, f⁻¹(f(x, y), y) = x, and the label changes f (%s)', async (_, dataShape) => {
    const params = new ParameterSet();
    const flow = createRealNvpFlow(params, flowConfig({ numCouplings: 4, hiddenDims: [16], conditional: true }), dataShape, 11, 3);
    const dim = dataShape.reduce<number>((a, d) => a * d, 1);
    const x = tf.randomNormal([30, dim], 0, 1.5, 'float32', 4) as tf.Tensor2D;
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 30 }, (_, i) => i % 3), 'int32'), 3).toFloat() as tf.Tensor2D;
    const yOther = tf.oneHot(tf.tensor1d(Array.from({ length: 30 }, (_, i) => (i + 1) % 3), 'int32'), 3).toFloat() as tf.Tensor2D;
    const { z, logDet } = flowForward(flow, x, y);
    const back = flowInverse(flow, z, y);
    expect(await maxAbsDiff(back, x)).toBeLessThan(1e-4);
    const other = flowForward(flow, x, yOther);
    expect(await maxAbsDiff(other.z, z)).toBeGreaterThan(1e-2);
    // Without labels a conditional layer refuses (a programming error inside the family: the model validates first).
    expect(() => flowForward(flow, x)).toThrow(/one-hot labels/);
    tf.dispose([x, y, yOther, z, logDet, back, other.z, other.logDet]);
    params.dispose();
    flow.dispose();
  });

  it('has the log-determinant of a numerical Jacobian, per class, for one conditional layer and for the flow', async () => {
    const dim = 3;
    const h = 1e-2;
    const points = [
      [0.4, -1.2, 0.7],
      [-1.5, 0.3, 2],
      [0.05, 0.1, -0.2],
    ];
    for (const numCouplings of [1, 4]) {
      const params = new ParameterSet();
      const flow = createRealNvpFlow(params, flowConfig({ numCouplings, hiddenDims: [8], conditional: true }), [dim], 21, 2);
      for (const label of [0, 1]) {
        // Each point, then ± h along each coordinate: 1 + 2·dim rows per point.
        const rows = points.flatMap((p) => [p, ...Array.from({ length: dim }, (_, d) => [1, -1].map((sign) => p.map((v, k) => (k === d ? v + sign * h : v)))).flat()]);
        const x = tf.tensor2d(rows);
        const y = tf.oneHot(tf.fill([rows.length], label, 'int32') as tf.Tensor1D, 2).toFloat() as tf.Tensor2D;
        const { z, logDet } = flowForward(flow, x, y);
        const [zs, logDets] = [(await z.array()) as number[][], Array.from(await logDet.data())];
        points.forEach((_, i) => {
          const base = i * (1 + 2 * dim);
          // Jacobian J[r][d] = ∂z_r/∂x_d by central differences.
          const j = Array.from({ length: dim }, (_, r) =>
            Array.from({ length: dim }, (_, d) => (zs[base + 1 + 2 * d][r] - zs[base + 2 + 2 * d][r]) / (2 * h)),
          );
          const det =
            j[0][0] * (j[1][1] * j[2][2] - j[1][2] * j[2][1]) - j[0][1] * (j[1][0] * j[2][2] - j[1][2] * j[2][0]) + j[0][2] * (j[1][0] * j[2][1] - j[1][1] * j[2][0]);
          expect(Math.abs(logDets[base] - Math.log(Math.abs(det))), `${numCouplings} couplings, class ${label}, point ${i}`).toBeLessThan(1e-2);
        });
        tf.dispose([x, y, z, logDet]);
      }
      params.dispose();
      flow.dispose();
    }
  });
});

describe('conditional realnvp model', () => {
  let train: { x: tf.Tensor2D; labels: tf.Tensor1D };
  let model: RealNvpModel;
  beforeAll(async () => {
    await initCompute({ logger: false });
    train = twoGaussians(2048, 1);
    model = createModel('realnvp', { numCouplings: 6, hiddenDims: [32, 32], learningRate: 5e-3, conditional: true }, { dataShape: [2], seed: 7, numClasses: 2 }) as RealNvpModel;
    const batchSize = 256;
    for (let step = 0; step < 250; step += 1) {
      const start = (step * batchSize) % train.x.shape[0];
      const [xb, yb] = [train.x.slice([start, 0], [batchSize, 2]), train.labels.slice([start], [batchSize])];
      model.trainStep(xb, yb).dispose();
      tf.dispose([xb, yb]);
    }
  }, 60_000);
  afterAll(() => {
    tf.dispose([train.x, train.labels]);
    model.dispose();
  });

  it('needs numClasses ≥ 2, offers no label-free encode/decode, and reports conditioning', () => {
    for (const numClasses of [undefined, 1, 1001]) {
      expect(() => createModel('realnvp', { conditional: true }, { dataShape: [2], seed: 1, numClasses })).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringContaining('conditional: true needs the number of classes') }),
      );
    }
    expect(model.capabilities).toEqual({ sample: true, logProb: true, elbo: false, iwae: false, encode: false, decode: false, conditional: true });
    expect([canEncode(model), canDecode(model)]).toEqual([false, false]);
    expect(model.numClasses).toBe(2);
    expect(familyInfo('realnvp').capabilities).toMatchObject({ logProb: true, encode: true, decode: true, conditional: true });
    const plain = createModel('realnvp', {}, { dataShape: [2], seed: 1, numClasses: 2 });
    expect([plain.capabilities.conditional, plain.numClasses, canEncode(plain)]).toEqual([false, 0, true]);
    plain.dispose();
  });

  it('refuses logProb and trainStep without well-formed labels (INVALID_ARGUMENT, the message the conditional VAE/PixelCNN give)', () => {
    const x = train.x.slice([0, 0], [4, 2]);
    const floats = tf.tensor1d([0, 1, 0, 1], 'float32');
    const steps = model.stepCount;
    expect(() => model.logProb(x)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: "labels: a conditional realnvp needs the examples' classes as an int32 tensor of shape [4], got none" }),
    );
    expect(() => model.logProb(x, { labels: floats as tf.Tensor1D })).toThrow(invalid);
    expect(() => model.trainStep(x)).toThrow(invalid);
    expect(model.stepCount).toBe(steps);
    tf.dispose([x, floats]);
  });

  it('classifies held-out points by argmax_y log p(x | y) far above chance, and each log p(x | y) integrates to ≈ 1', async () => {
    const test = twoGaussians(1000, 99);
    const perClass = [0, 1].map((c) => model.logProb(test.x, { labels: tf.fill([1000], c, 'int32') as tf.Tensor1D }));
    const [lp0, lp1, truth] = [await read(perClass[0]), await read(perClass[1]), await read(test.labels)];
    // Equal priors: log p(y) is the same for both classes and drops out of the argmax.
    const accuracy = truth.filter((c, i) => (lp1[i] > lp0[i] ? 1 : 0) === c).length / truth.length;
    console.log(`conditional realnvp: held-out accuracy ${accuracy.toFixed(4)}`);
    expect(accuracy).toBeGreaterThan(0.97);
    tf.dispose(test.x);

    const [lo, hi, cells] = [-6, 6, 240];
    const step = (hi - lo) / cells;
    const grid = tf.tidy(() => {
      const axis = tf.add(tf.mul(tf.range(0, cells), step), lo + step / 2);
      const xs = tf.tile(axis.reshape([1, cells]), [cells, 1]).reshape([-1, 1]);
      const ys = tf.tile(axis.reshape([cells, 1]), [1, cells]).reshape([-1, 1]);
      return tf.concat([xs, ys], 1);
    });
    for (const c of [0, 1]) {
      const labels = tf.fill([cells * cells], c, 'int32') as tf.Tensor1D;
      const lp = model.logProb(grid, { labels });
      const integral = (await read(tf.tidy(() => tf.mul(tf.sum(tf.exp(lp)), step * step))))[0];
      // Most of the class's mass sits on its own side of x = 0.
      const ownSide = (await read(tf.tidy(() => {
        const side = tf.cast(c === 0 ? tf.less(grid.slice([0, 0], [-1, 1]).reshape([-1]), 0) : tf.greater(grid.slice([0, 0], [-1, 1]).reshape([-1]), 0), 'float32');
        return tf.mul(tf.sum(tf.mul(tf.exp(lp), side)), step * step);
      })))[0];
      console.log(`conditional realnvp: ∫ p(x | y=${c}) dx over the grid = ${integral.toFixed(5)}, on its own side ${ownSide.toFixed(5)}`);
      expect(Math.abs(integral - 1)).toBeLessThan(0.05);
      expect(ownSide).toBeGreaterThan(0.95);
      tf.dispose([labels, lp]);
    }
    grid.dispose();
  }, 30_000);

  it('samples the given classes, or classes drawn from the seed as the conditional VAE does', async () => {
    const labels = Int32Array.from({ length: 200 }, (_, i) => i % 2);
    const xs = (await read(model.sample(200, 3, { labels }))) as number[];
    const meanX = (c: number) => {
      const own = Array.from(labels).flatMap((l, i) => (l === c ? [xs[2 * i]] : []));
      return own.reduce((a, v) => a + v, 0) / own.length;
    };
    expect(meanX(0)).toBeLessThan(-1.5);
    expect(meanX(1)).toBeGreaterThan(1.5);
    // Without labels: the classes sampleLabels draws from the seed, with the same codes.
    const drawn = sampleLabels(50, 8, 2, undefined);
    expect(await read(model.sample(50, 8))).toEqual(await read(model.sample(50, 8, { labels: drawn })));
    expect(() => model.sample(2, 1, { labels: Int32Array.from([0, 2]) })).toThrow(invalid);
  });

  it('does not leak tensors in logProb, sample and trainStep with labels', async () => {
    const scratch = createModel('realnvp', { numCouplings: 2, hiddenDims: [8], conditional: true }, { dataShape: [2], seed: 3, numClasses: 2 });
    const [x, labels] = [train.x.slice([0, 0], [16, 2]), train.labels.slice([0], [16])];
    await expectNoTensorLeak(() => scratch.logProb!(x, { labels }), { label: 'logProb' });
    await expectNoTensorLeak(() => scratch.sample(5, 2), { label: 'sample' });
    await expectNoTensorLeak(() => scratch.sample(5, 2, { labels: Int32Array.from([1, 0, 1, 1, 0]) }), { label: 'sample with labels' });
    await expectNoTensorLeak(() => scratch.trainStep(x, labels), { label: 'trainStep' });
    tf.dispose([x, labels]);
    scratch.dispose();
  });

  it('saves and loads with conditional and numClasses: identical log p(x | y) and samples', async () => {
    const bytes = await model.save();
    expect(decodeModelBytes(bytes).state).toMatchObject({ numClasses: 2 });
    const restored = await loadModel(bytes);
    expect(restored.config).toMatchObject({ conditional: true });
    expect([restored.numClasses, restored.capabilities.conditional]).toEqual([2, true]);
    const [x, labels] = [train.x.slice([0, 0], [64, 2]), train.labels.slice([0], [64])];
    expect(await read(restored.logProb!(x, { labels }))).toEqual(await read(model.logProb(x, { labels })));
    expect(await read(restored.sample(8, 5))).toEqual(await read(model.sample(8, 5)));
    tf.dispose([x, labels]);
    restored.dispose();
  });

  it('rejects saved bytes with a bad numClasses, and reads bytes without one as unconditional', async () => {
    const plain = createModel('realnvp', { numCouplings: 2, hiddenDims: [8] }, { dataShape: [2], seed: 3 });
    const snapshot = decodeModelBytes(await plain.save());
    const { numClasses, ...older } = snapshot.state;
    expect(numClasses).toBe(0);
    const old = await loadModel(encodeModelBytes({ ...snapshot, state: older }));
    expect([old.numClasses, old.capabilities.conditional]).toEqual([0, false]);
    old.dispose();
    await expect(loadModel(encodeModelBytes({ ...snapshot, state: { ...older, numClasses: 1 } }))).rejects.toThrow(invalid);
    plain.dispose();
  });

  it('conditions image flows too (dequantization and logit path): labels change log p(x | y), save/load keeps it', async () => {
    const images = createModel('realnvp', { numCouplings: 2, hiddenDims: [8], conditional: true }, { dataShape: [3, 3, 1], seed: 4, numClasses: 3 });
    const x = tf.tidy(() => tf.div(tf.floor(tf.randomUniform([6, 3, 3, 1], 0, 256, 'float32', 2)), 255));
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const other = tf.tensor1d([1, 2, 0, 1, 2, 0], 'int32');
    for (let i = 0; i < 5; i += 1) images.trainStep(x, labels).dispose();
    const lp = await read(images.logProb!(x, { labels, seed: 3 }));
    expect(lp.every((v) => Number.isFinite(v) && v <= 0)).toBe(true);
    expect(await read(images.logProb!(x, { labels: other, seed: 3 }))).not.toEqual(lp);
    const s = await read(images.sample(4, 1, { labels: Int32Array.from([0, 1, 2, 0]) }));
    expect(s.every((v) => v >= 0 && v <= 1 && Math.abs(v * 255 - Math.round(v * 255)) < 1e-3)).toBe(true);
    const restored = await loadModel(await images.save());
    expect(await read(restored.logProb!(x, { labels, seed: 3 }))).toEqual(lp);
    tf.dispose([x, labels, other]);
    [images, restored].forEach((m) => m.dispose());
  });
});
