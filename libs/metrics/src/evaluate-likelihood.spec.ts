import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { cancelled, ErrorCode } from '@genlab/errors';
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

  it('reports progress after each batch and stops when cancelled, leaving no tensors', async () => {
    const progress: [number, number][] = [];
    await evaluateLikelihood(model, data, { k: 2, batchSize: 16, onProgress: (done, total) => progress.push([done, total]) });
    expect(progress).toEqual([[16, 40], [32, 40], [40, 40]]);
    const before = tf.memory().numTensors;
    let checks = 0;
    const stopAfterTwo = () => {
      if (++checks > 2) throw cancelled('evaluation stopped');
    };
    await expect(evaluateLikelihood(model, data, { k: 2, batchSize: 16, throwIfCancelled: stopAfterTwo })).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    expect(checks).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives a conditional model its labels: log p(x | y) depends on y, and labels are required', async () => {
    const conditional = createModel('pixelcnn', { conditional: true, hiddenChannels: 4, firstKernelSize: 3, maskedLayers: 1, learningRate: 1e-2 }, { dataShape: [4, 4, 1], seed: 2, numClasses: 2 });
    const x = new Float32Array(6 * 16).map((_, i) => (i % 3 === 0 ? 1 : 0));
    const images = { shape: [4, 4, 1], count: 6, x };
    const labelled = (label: number) => ({ ...images, labels: new Int32Array(6).fill(label) });
    for (let i = 0; i < 20; i += 1) {
      const batch = tf.tensor(x, [6, 4, 4, 1]);
      const y = tf.tensor1d(new Int32Array(6).fill(0), 'int32');
      conditional.trainStep(batch, y).dispose();
      tf.dispose([batch, y]);
    }
    const [asZero] = await evaluateLikelihood(conditional, labelled(0));
    const [asOne] = await evaluateLikelihood(conditional, labelled(1));
    expect(asZero.estimator).toBe('exact');
    expect(asZero.valueNats).toBeLessThan(asOne.valueNats); // trained with label 0
    await expect(evaluateLikelihood(conditional, images)).rejects.toMatchObject({ code: ErrorCode.FailedPrecondition, message: expect.stringContaining('needs labels') });
    conditional.dispose();
  });

  it('IWAE-k tightens as k grows and stays above the exact NLL of a VAE whose likelihood is computed by quadrature', async () => {
    // A 1-D latent makes log p(x) = log ∫ N(z; 0, 1) p(x | z) dz computable on a fine grid of z.
    const vae = createModel('vae', { latentDim: 1, hiddenDims: [16], learningRate: 1e-2 }, { dataShape: [DIMS], seed: 9 });
    const train = tf.tensor(data.x, [data.count, DIMS]);
    for (let i = 0; i < 150; i += 1) vae.trainStep(train).dispose();
    train.dispose();

    const grid = Array.from({ length: 4001 }, (_, i) => -10 + (20 * i) / 4000);
    const dz = grid[1]! - grid[0]!;
    const probs = tf.tidy(() => vae.decode!(tf.tensor2d(grid, [grid.length, 1])).reshape([grid.length, DIMS]));
    const p = await probs.data();
    probs.dispose();
    const exactNll = Array.from({ length: data.count }, (_, n) => {
      const terms = grid.map((z, g) => {
        let logLik = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) + Math.log(dz);
        for (let d = 0; d < DIMS; d += 1) {
          const pd = Math.min(Math.max(p[g * DIMS + d]!, 1e-7), 1 - 1e-7);
          logLik += data.x[n * DIMS + d] ? Math.log(pd) : Math.log(1 - pd);
        }
        return logLik;
      });
      const max = Math.max(...terms);
      return -(max + Math.log(terms.reduce((a, t) => a + Math.exp(t - max), 0)));
    });
    const exact = exactNll.reduce((a, v) => a + v, 0) / data.count;

    const bounds: number[] = [];
    for (const k of [1, 10, 100, 2000]) {
      const [estimate] = await evaluateLikelihood(vae, data, { estimators: ['iwae'], k, seed: 1 });
      bounds.push(estimate!.valueNats);
    }
    for (let i = 1; i < bounds.length; i += 1) expect(bounds[i]).toBeLessThan(bounds[i - 1]!); // tighter with k
    for (const bound of bounds) expect(bound).toBeGreaterThan(exact - 0.02); // an upper bound on the NLL (up to Monte Carlo noise)
    expect(bounds.at(-1)! - exact).toBeLessThan(0.5); // and close to it with many samples
    vae.dispose();
  });

  it("a flow's exact test NLL matches the cross-entropy integral ∫ p(x) (−log q(x)) dx computed on a grid", async () => {
    // Data from p = N(0, I) in 2-D; q is a RealNVP trained briefly on it. The evaluation's
    // Monte Carlo NLL over 20,000 draws must agree with the quadrature within its error.
    const flow = createModel('realnvp', { learningRate: 3e-3 }, { dataShape: [2], seed: 3 });
    for (let i = 0; i < 40; i += 1) {
      const batch = tf.randomNormal([256, 2], 0, 1, 'float32', 100 + i);
      flow.trainStep(batch).dispose();
      batch.dispose();
    }
    const draws = tf.randomNormal([20_000, 2], 0, 1, 'float32', 7);
    const [estimate] = await evaluateLikelihood(flow, { shape: [2], count: 20_000, x: (await draws.data()) as Float32Array });
    draws.dispose();

    const [lo, hi, cells] = [-6, 6, 300];
    const step = (hi - lo) / cells;
    const integral = tf.tidy(() => {
      const axis = tf.add(tf.mul(tf.range(0, cells), step), lo + step / 2);
      const xs = tf.tile(axis.reshape([1, cells]), [cells, 1]).reshape([-1, 1]);
      const ys = tf.tile(axis.reshape([cells, 1]), [1, cells]).reshape([-1, 1]);
      const grid = tf.concat([xs, ys], 1);
      const logP = tf.sub(tf.mul(tf.sum(tf.square(grid), 1), -0.5), Math.log(2 * Math.PI));
      return tf.mul(tf.sum(tf.mul(tf.exp(logP), tf.neg(flow.logProb!(grid)))), step * step);
    });
    const crossEntropy = (await integral.data())[0]!;
    integral.dispose();
    expect(estimate!.estimator).toBe('exact');
    expect(Math.abs(estimate!.valueNats - crossEntropy)).toBeLessThan(4 * estimate!.stdErrorNats + 0.01);
    expect(crossEntropy).toBeGreaterThan(Math.log(2 * Math.PI) + 1 - 0.01); // never below the entropy of p (2.84 nats)
    flow.dispose();
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
