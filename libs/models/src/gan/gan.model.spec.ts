import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ring8 } from '@genlab/data';
import { ErrorCode } from '@genlab/errors';
import { assertDatasetFits, createModel, familyInfo, loadModel, parseConfig } from '../model-registry';
import { decodeModelBytes } from '../serialization/model-bytes';
import type { GanModel } from './gan.model';

const invalid = (pattern?: RegExp) =>
  expect.objectContaining({ code: ErrorCode.InvalidArgument, ...(pattern ? { message: expect.stringMatching(pattern) } : {}) });
const read = async (t: tf.Tensor) => {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
};
const mlp = { architecture: 'mlp', latentDim: 4, hiddenDims: [16, 16], learningRate: 1e-3 } as const;

describe('GAN configs', () => {
  it('default to the dcgan-28 workload (DCGAN) and to Gulrajani et al.’s settings (WGAN-GP)', () => {
    expect(parseConfig('dcgan', {})).toEqual({
      architecture: 'conv',
      latentDim: 64,
      generatorChannels: [128, 64],
      discriminatorChannels: [64, 128],
      hiddenDims: [128, 128],
      conditional: false,
      learningRate: 2e-4,
      beta1: 0.5,
      beta2: 0.999,
      batchSize: 64,
      epochs: 20,
    });
    expect(parseConfig('wgan-gp', {})).toMatchObject({ learningRate: 1e-4, beta1: 0, beta2: 0.9, gradientPenalty: 10, nCritic: 5 });
    expect(familyInfo('dcgan')).toMatchObject({ density: 'implicit', capabilities: { sample: true, logProb: false, elbo: false, conditional: true } });
  });

  it('name the offending field', () => {
    expect(() => parseConfig('dcgan', { architecture: 'resnet' })).toThrow(invalid(/config\.architecture: must be 'conv' or 'mlp'/));
    expect(() => parseConfig('wgan-gp', { nCritic: 0 })).toThrow(invalid(/config\.nCritic: must be a positive integer/));
    expect(() => parseConfig('wgan-gp', { gradientPenalty: -1 })).toThrow(invalid(/config\.gradientPenalty: must be a number ≥ 0/));
    expect(() => parseConfig('dcgan', { beta1: 1 })).toThrow(invalid(/config\.beta1: must be a number in \[0, 1\)/));
    expect(() => parseConfig('dcgan', { generatorChannels: [8] })).toThrow(invalid(/config\.generatorChannels: must list exactly 2/));
    expect(() => parseConfig('dcgan', { gradientPenalty: 10 })).toThrow(invalid(/config\.gradientPenalty: is not a known field/));
  });
});

describe('GAN data rules', () => {
  beforeAll(() => initCompute({ logger: false }));
  const summary = (shape: number[], min = 0, max = 1) => ({ shape, trainCount: 1000, min, max });

  it('refuse the conv networks on 2-D points or on images whose sides are not multiples of 4, pointing to mlp', () => {
    for (const family of ['dcgan', 'wgan-gp']) {
      expect(() => assertDatasetFits(family, {}, summary([2], -2, 2))).toThrow(invalid(/architecture 'conv' needs images .* use architecture 'mlp'/));
      expect(() => assertDatasetFits(family, {}, summary([30, 30, 1]))).toThrow(invalid(/divisible by 4.*\[30, 30, 1\]/));
      expect(() => createModel(family, {}, { dataShape: [2], seed: 1 })).toThrow(invalid(/use architecture 'mlp'/));
      expect(() => assertDatasetFits(family, { architecture: 'mlp' }, summary([2], -2, 2))).not.toThrow();
    }
  });

  it('refuse conv on data outside [0, 1] (its sigmoid cannot reach it)', () => {
    expect(() => assertDatasetFits('dcgan', {}, summary([28, 28, 1], -1, 1))).toThrow(invalid(/\[0, 1\].*\[-1, 1\].*rescale/));
    expect(() => assertDatasetFits('dcgan', {}, summary([28, 28, 1]))).not.toThrow();
  });

  it('need numClasses for a conditional model, and labels for its training steps', () => {
    expect(() => createModel('dcgan', { ...mlp, conditional: true }, { dataShape: [2], seed: 1 })).toThrow(
      invalid(/conditional: true needs the number of classes.*labelled dataset/),
    );
    const model = createModel('wgan-gp', { ...mlp, conditional: true }, { dataShape: [2], seed: 1, numClasses: 8 });
    const x = tf.zeros([4, 2]);
    const floatLabels = tf.zeros([4]) as tf.Tensor1D;
    expect(() => model.trainStep(x)).toThrow(invalid(/labels: a conditional wgan-gp needs the examples' classes as an int32 tensor of shape \[4\]/));
    expect(() => model.trainStep(x, floatLabels)).toThrow(invalid(/got float32\[4\]/));
    expect(model.stepCount).toBe(0);
    expect(() => model.sample(2, 1, { labels: Int32Array.from([0, 8]) })).toThrow(invalid(/2 classes in \[0, 7\]/));
    tf.dispose([x, floatLabels]);
    model.dispose();
  });
});

describe('dcgan', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('has dcgan-28’s networks by default (PyTorch’s parameter counts) and trains a step on 28×28 images on wasm', async () => {
    const model = createModel('dcgan', {}, { dataShape: [28, 28, 1], seed: 0 }) as GanModel;
    const g = 64 * 6272 + 6272 + 2 * 6272 + (128 * 64 * 16 + 64) + 2 * 64 + (64 * 16 + 1);
    const d = (16 * 64 + 64) + (64 * 128 * 16 + 128) + 2 * 128 + (6272 + 1);
    expect(model.parameterCounts).toEqual({ generator: g, discriminator: d });
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1);
    const loss = (await read(model.trainStep(x)))[0];
    expect(loss).toBeGreaterThan(0.2); // −log σ(D(G(z))) of a barely trained D: near ln 2
    expect(loss).toBeLessThan(2);
    const samples = model.sample(3, 1);
    expect(samples.shape).toEqual([3, 28, 28, 1]);
    expect((await read(samples)).every((p) => p > 0 && p < 1)).toBe(true);
    x.dispose();
    model.dispose();
  });

  it('truncation: seeded, different from untruncated sampling, and no effect when the bound is wide', async () => {
    const model = createModel('dcgan', { architecture: 'mlp' }, { dataShape: [2], seed: 3 }) as GanModel;
    const plain = await read(model.sample(64, 9));
    const truncated = await read(model.sample(64, 9, { truncation: 0.5 }));
    expect(await read(model.sample(64, 9, { truncation: 0.5 }))).toEqual(truncated);
    expect(truncated).not.toEqual(plain);
    expect(await read(model.sample(64, 9, { truncation: 100 }))).toEqual(plain);
    // Truncated latents gather the samples closer together.
    const spread = (v: number[]) => {
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
    };
    expect(spread(truncated)).toBeLessThan(spread(plain));
    model.dispose();
  });

  it('samples in evaluation mode: BatchNorm uses running statistics, saved and restored with the model', async () => {
    const conv = { latentDim: 8, generatorChannels: [8, 4], discriminatorChannels: [4, 8], learningRate: 1e-3 };
    const model = createModel('dcgan', conv, { dataShape: [8, 8, 1], seed: 2 }) as GanModel;
    const x = tf.randomUniform([8, 8, 8, 1], 0, 1, 'float32', 1);
    for (let i = 0; i < 3; i += 1) model.trainStep(x).dispose();
    // Each sample depends on its own z only (no batch statistics): alone or in a batch, the same.
    const alone = await read(model.sample(1, 5));
    const inBatch = await read(model.sample(3, 5));
    inBatch.slice(0, 64).forEach((v, i) => expect(v).toBeCloseTo(alone[i], 5));

    const bytes = await model.save();
    const running = decodeModelBytes(bytes).tensors.find((t) => t.name === 'generator.bn1.runningMean');
    expect(running?.shape).toEqual([4]);
    expect(Array.from(running?.data ?? []).some((v) => v !== 0)).toBe(true); // moved from its initial 0
    const restored = await loadModel(bytes);
    expect(await read(restored.sample(3, 5))).toEqual(inBatch);
    x.dispose();
    model.dispose();
    restored.dispose();
  });

  it('conditional: a label changes the samples of a seed, and the same label and seed give the same samples', async () => {
    const model = createModel('dcgan', { ...mlp, conditional: true }, { dataShape: [2], seed: 3, numClasses: 8 });
    const data = ring8.sample(64, 1);
    const [x, labels] = [tf.tensor2d(data.x, [64, 2]), tf.tensor1d(data.labels as Int32Array, 'int32')];
    for (let i = 0; i < 5; i += 1) model.trainStep(x, labels).dispose();
    const of = (label: number) => read(model.sample(4, 9, { labels: Int32Array.from({ length: 4 }, () => label) }));
    const [zero, one, zeroAgain] = [await of(0), await of(1), await of(0)];
    expect(zeroAgain).toEqual(zero);
    expect(one).not.toEqual(zero);
    // Without labels, classes are drawn from the seed: reproducible too.
    expect(await read(model.sample(4, 9))).toEqual(await read(model.sample(4, 9)));
    tf.dispose([x, labels]);
    model.dispose();
  });
});

describe('conditional conv networks', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('train with one-hot label channels (DCGAN and WGAN-GP) and sample per label', async () => {
    const conv = { conditional: true, latentDim: 8, generatorChannels: [8, 4], discriminatorChannels: [4, 8] };
    for (const family of ['dcgan', 'wgan-gp']) {
      const model = createModel(family, { ...conv, ...(family === 'wgan-gp' ? { nCritic: 2 } : {}) }, { dataShape: [8, 8, 1], seed: 5, numClasses: 3 });
      const x = tf.randomUniform([6, 8, 8, 1], 0, 1, 'float32', 1);
      const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
      for (let i = 0; i < 2; i += 1) expect(Number.isFinite((await read(model.trainStep(x, labels)))[0])).toBe(true);
      const [a, b] = [await read(model.sample(2, 3, { labels: Int32Array.from([0, 0]) })), await read(model.sample(2, 3, { labels: Int32Array.from([2, 2]) }))];
      expect(a).not.toEqual(b);
      tf.dispose([x, labels]);
      model.dispose();
    }
  });
});

describe('wgan-gp', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('has a critic without BatchNorm, takes nCritic critic updates per step, and saves both optimisers’ steps', async () => {
    const conv = { latentDim: 8, generatorChannels: [8, 4], discriminatorChannels: [4, 8], nCritic: 3 };
    const model = createModel('wgan-gp', conv, { dataShape: [8, 8, 1], seed: 4 });
    const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1);
    for (let i = 0; i < 2; i += 1) model.trainStep(x).dispose();
    const snapshot = decodeModelBytes(await model.save());
    expect(snapshot.state).toMatchObject({ generatorSteps: 2, discriminatorSteps: 6, numClasses: 0 });
    const names = snapshot.tensors.map((t) => t.name);
    expect(names.filter((n) => n.startsWith('discriminator.') && n.includes('bn'))).toEqual([]);
    expect(names).toContain('generator.bn0.runningVar');
    expect(names).toContain('optimizer.generator.m.generator.fc.kernel');
    expect(names).toContain('optimizer.discriminator.v.discriminator.c1.kernel');
    x.dispose();
    model.dispose();
  });
});
