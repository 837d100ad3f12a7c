import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ErrorCode } from '@genlab/errors';
import { assertDatasetFits, createModel, loadModel, parseConfig, prepareDataset } from '../model-registry';
import { describeGenerativeModelContract } from '../testing/generative-model.contract';
import type { MadeModel } from './made.model';
import { madeLogits } from './made.network';

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
  family: 'made',
  config: { hiddenDims: [32], learningRate: 1e-2 },
  dataShape: [4, 4, 1],
  batch: binaryBatch,
});

describeGenerativeModelContract({
  family: 'made',
  label: 'made (random orderings, 3-mask ensemble, two hidden layers)',
  config: { hiddenDims: [24, 24], ordering: 'random', numMasks: 3, learningRate: 1e-2 },
  dataShape: [16],
  batch: () => binaryBatch().reshape([16, 16]),
});

const D = 10;

/** ∂ logit_d / ∂ x_j for every (d, j) at one random binary input: a [D, D] matrix. */
async function logitJacobian(model: MadeModel, k = 0): Promise<number[][]> {
  const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([1, D], 0, 1, 'float32', 3), 0.5), 'float32'));
  const rows: number[][] = [];
  const net = model.network;
  for (let d = 0; d < D; d += 1) {
    // Differentiate with respect to the input through the masked layers (plain tfjs ops here).
    const g = tf.grad((input: tf.Tensor) => {
      const masks = net.maskTensors[k];
      const h = net.layers.reduce<tf.Tensor>((acc, layer, l) => {
        const out = tf.add(tf.matMul(acc, tf.mul(layer.kernel, masks[l])), layer.bias);
        return l < net.layers.length - 1 ? tf.relu(out) : out;
      }, input);
      return tf.slice(h, [0, d], [1, 1]).sum();
    })(x);
    rows.push(Array.from(await g.data()));
    g.dispose();
  }
  x.dispose();
  return rows;
}

describe('made autoregressive property', () => {
  beforeAll(() => initCompute({ logger: false }));

  for (const ordering of ['natural', 'random'] as const) {
    it(`output d depends only on inputs earlier in the ${ordering} ordering (by gradient and by perturbation)`, async () => {
      const model = createModel('made', { hiddenDims: [64, 64], ordering, numMasks: 2 }, { dataShape: [D], seed: 5 }) as MadeModel;
      // Train a little so no weight is accidentally zero.
      const data = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([32, D], 0, 1, 'float32', 9), 0.5), 'float32'));
      for (let i = 0; i < 4; i += 1) model.trainStep(data).dispose();
      for (let k = 0; k < 2; k += 1) {
        const degree = model.connectivities[k].inputDegrees;
        if (ordering === 'natural') expect(Array.from(degree)).toEqual(Array.from({ length: D }, (_, i) => i + 1));
        else expect([...degree].sort((a, b) => a - b)).toEqual(Array.from({ length: D }, (_, i) => i + 1));
        const jacobian = await logitJacobian(model, k);
        let dependencies = 0;
        for (let d = 0; d < D; d += 1) {
          for (let j = 0; j < D; j += 1) {
            if (degree[j] >= degree[d]) expect(jacobian[d][j], `∂logit_${d}/∂x_${j}`).toBe(0);
            else if (jacobian[d][j] !== 0) dependencies += 1;
          }
        }
        expect(dependencies).toBeGreaterThan(0); // not trivially zero everywhere
      }
      if (ordering === 'random') {
        expect(Array.from(model.connectivities[0].inputDegrees)).not.toEqual(Array.from(model.connectivities[1].inputDegrees));
      }

      // Perturbation: flipping x_j changes none of the conditionals of dimensions before j,
      // so log p(x) changes exactly by the change in the terms at and after j.
      const net = model.network;
      const degree = model.connectivities[0].inputDegrees;
      const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([1, D], 0, 1, 'float32', 4), 0.5), 'float32')) as tf.Tensor2D;
      const base = Array.from(await tf.tidy(() => madeLogits(net, x, 0)).data());
      for (let j = 0; j < D; j += 1) {
        const flipped = tf.tidy(() => tf.sub(1, x).mul(tf.oneHot([j], D)).add(x.mul(tf.sub(1, tf.oneHot([j], D))))) as tf.Tensor2D;
        const logits = tf.tidy(() => madeLogits(net, flipped, 0));
        const after = Array.from(await logits.data());
        for (let d = 0; d < D; d += 1) if (degree[j] >= degree[d]) expect(after[d]).toBe(base[d]);
        tf.dispose([flipped, logits]);
      }
      tf.dispose([x, data]);
      model.dispose();
    });
  }

  it('builds masks from degrees: hidden degrees in [1, D−1], hidden sees ≤, output sees <', () => {
    const model = createModel('made', { hiddenDims: [20, 12], ordering: 'random' }, { dataShape: [D], seed: 1 }) as MadeModel;
    const { inputDegrees, hiddenDegrees, masks } = model.connectivities[0];
    hiddenDegrees.forEach((degrees, l) => {
      const lo = l === 0 ? 1 : Math.min(...hiddenDegrees[l - 1]);
      degrees.forEach((m) => {
        expect(m).toBeGreaterThanOrEqual(lo);
        expect(m).toBeLessThanOrEqual(D - 1);
      });
    });
    const layers = [inputDegrees, ...hiddenDegrees, inputDegrees];
    masks.forEach((mask, l) => {
      const [from, to] = [layers[l], layers[l + 1]];
      const strict = l === masks.length - 1;
      for (let i = 0; i < from.length; i += 1) {
        for (let j = 0; j < to.length; j += 1) expect(mask[i * to.length + j]).toBe((strict ? to[j] > from[i] : to[j] >= from[i]) ? 1 : 0);
      }
    });
    // The first dimension of the ordering has no inputs: its output row is all zeros.
    const first = inputDegrees.indexOf(1);
    const out = masks[masks.length - 1];
    for (let i = 0; i < hiddenDegrees[1].length; i += 1) expect(out[i * D + first]).toBe(0);
    model.dispose();
  });

  it('draws the same masks for the same seed and config, other masks for another seed', () => {
    const build = (seed: number) => createModel('made', { hiddenDims: [16], ordering: 'random' }, { dataShape: [D], seed }) as MadeModel;
    const [a, b, c] = [build(3), build(3), build(4)];
    expect(a.connectivities[0].masks[0]).toEqual(b.connectivities[0].masks[0]);
    expect(a.connectivities[0].masks[0]).not.toEqual(c.connectivities[0].masks[0]);
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('made likelihood and sampling', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('is a normalised distribution: p(x) sums to 1 over all 2^D binary vectors, with an ensemble too', async () => {
    const dim = 6;
    const all = tf.tensor2d(Array.from({ length: 1 << dim }, (_, v) => Array.from({ length: dim }, (_, d) => (v >> d) & 1)));
    for (const config of [{ hiddenDims: [16] }, { hiddenDims: [16, 8], ordering: 'random', numMasks: 3 }] as const) {
      const model = createModel('made', config, { dataShape: [dim], seed: 2 });
      const lp = model.logProb!(all);
      const total = (await tf.tidy(() => tf.exp(lp).sum()).data())[0];
      expect(total).toBeCloseTo(1, 4);
      lp.dispose();
      model.dispose();
    }
    all.dispose();
  });

  it('samples binary values whose frequencies follow the model (a learned constant image)', async () => {
    const model = createModel('made', { hiddenDims: [16], learningRate: 3e-2 }, { dataShape: [8], seed: 1 });
    const target = tf.tensor2d(Array.from({ length: 32 }, () => [1, 0, 1, 1, 0, 0, 1, 0]));
    for (let i = 0; i < 150; i += 1) model.trainStep(target).dispose();
    const s = model.sample(200, 3);
    const values = Array.from(await s.data());
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    const agree = values.filter((v, i) => v === [1, 0, 1, 1, 0, 0, 1, 0][i % 8]).length / values.length;
    expect(agree).toBeGreaterThan(0.95);
    tf.dispose([s, target]);
    model.dispose();
  });

  it('samples 64 MNIST-sized images with the default (workload) config in a few seconds', async () => {
    const model = createModel('made', {}, { dataShape: [28, 28, 1], seed: 0 }) as MadeModel;
    expect(model.parameterCount).toBe(784 * 500 + 500 + 500 * 784 + 784);
    const started = performance.now();
    const s = model.sample(64, 1);
    const values = await s.data();
    const ms = performance.now() - started;
    expect(s.shape).toEqual([64, 28, 28, 1]);
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    expect(ms).toBeLessThan(20_000);
    s.dispose();
    model.dispose();
  }, 30_000);

  it('restores after save with the same log-probabilities', async () => {
    const model = createModel('made', { hiddenDims: [16], numMasks: 2, ordering: 'random' }, { dataShape: [16], seed: 8 });
    const x = binaryBatch().reshape([16, 16]);
    for (let i = 0; i < 3; i += 1) model.trainStep(x).dispose();
    const restored = await loadModel(await model.save());
    const [a, b] = [model.logProb!(x), restored.logProb!(x)];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    model.dispose();
    restored.dispose();
  });
});

describe('made config and data hooks', () => {
  const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });

  it('fills in the workload defaults and rejects bad fields', () => {
    expect(parseConfig('made', {})).toEqual({
      hiddenDims: [500],
      ordering: 'natural',
      numMasks: 1,
      binarize: 'static',
      learningRate: 1e-3,
      batchSize: 128,
      epochs: 20,
    });
    expect(() => parseConfig('made', { numMasks: 0 })).toThrow(/config\.numMasks: must be a positive integer/);
    expect(() => parseConfig('made', { ordering: 'reverse' })).toThrow(/config\.ordering/);
    expect(() => parseConfig('made', { binarize: 'dynamic' })).toThrow(/config\.binarize/);
    expect(() => parseConfig('made', { hiddenDims: [] })).toThrow(invalid);
  });

  it("rejects non-binary data without binarize 'static', and data outside [0, 1]", () => {
    const summary = { shape: [28, 28, 1], trainCount: 8000, min: 0, max: 1 };
    expect(() => assertDatasetFits('made', {}, summary)).not.toThrow();
    expect(() => assertDatasetFits('made', { binarize: 'none' }, summary)).not.toThrow();
    expect(() => assertDatasetFits('made', { binarize: 'none' }, { ...summary, min: -2, max: 2 })).toThrow(/binarize 'static'/);
    expect(() => assertDatasetFits('made', { binarize: 'none' }, { ...summary, max: 255 })).toThrow(invalid);
    expect(() => assertDatasetFits('made', {}, { ...summary, max: 255 })).toThrow(/rescale the data to \[0, 1\]/);
  });

  it("binarises at 0.5 with 'static' and leaves the data alone with 'none'", () => {
    const data = { shape: [2], count: 2, x: new Float32Array([0.2, 0.7, 0.5, 1]) };
    expect(Array.from(prepareDataset('made', {}, data).x)).toEqual([0, 1, 0, 1]);
    expect(prepareDataset('made', { binarize: 'none' }, data)).toBe(data);
  });
});
