import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ErrorCode } from '@genlab/errors';
import { canExportDecoder } from '../generative-model';
import { assertDatasetFits, createModel, parseConfig } from '../model-registry';
import { decodeModelBytes } from '../serialization/model-bytes';
import { describeGenerativeModelContract } from '../testing/generative-model.contract';
import { expectNoTensorLeak } from '../testing/tensor-leak';
import type { VaeModel } from './vae.model';

const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });

/** 16 binary 8×8 images: a vertical bar (class 0, even i) or a box outline (class 1, odd i), each with one flipped pixel. */
function barsAndBoxes(): tf.Tensor4D {
  const rows = Array.from({ length: 16 }, (_, i) => {
    const image = Array.from({ length: 64 }, (_, p): number => {
      const [r, c] = [Math.floor(p / 8), p % 8];
      return (i % 2 === 0 ? c === 3 || c === 4 : r === 1 || r === 6 || c === 1 || c === 6) ? 1 : 0;
    });
    image[(i * 7) % 64] = 1 - image[(i * 7) % 64];
    return image;
  });
  return tf.tensor4d(rows.flat(), [16, 8, 8, 1]);
}
const barOrBox = () => tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 2), 'int32');

const SMALL_CONV = { architecture: 'conv', latentDim: 2, convChannels: [8, 16], learningRate: 1e-2 } as const;

describeGenerativeModelContract({
  family: 'vae',
  label: 'vae (conv, 8×8 binary images)',
  config: SMALL_CONV,
  dataShape: [8, 8, 1],
  batch: barsAndBoxes,
});

describeGenerativeModelContract({
  family: 'vae',
  label: 'vae (conv, conditional on bar or box)',
  config: { ...SMALL_CONV, conditional: true },
  dataShape: [8, 8, 1],
  batch: barsAndBoxes,
  labels: barOrBox,
  numClasses: 2,
});

describe('vae with architecture conv', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('on MNIST-shaped data is conv 32 k4 s2 → conv 64 k4 s2 → dense 2×20 / dense 7·7·64 → convT 32 → convT 1', async () => {
    const model = createModel('vae', { architecture: 'conv' }, { dataShape: [28, 28, 1], seed: 0 }) as VaeModel;
    expect(model.config).toMatchObject({ architecture: 'conv', convChannels: [32, 64], latentDim: 20, likelihood: 'bernoulli' });
    const shapes = Object.fromEntries(decodeModelBytes(await model.save()).tensors.filter((t) => !t.name.startsWith('optimizer.')).map((t) => [t.name, t.shape]));
    expect(shapes).toEqual({
      'encoder.conv1.kernel': [4, 4, 1, 32],
      'encoder.conv1.bias': [32],
      'encoder.conv2.kernel': [4, 4, 32, 64],
      'encoder.conv2.bias': [64],
      'encoder.fc.kernel': [7 * 7 * 64, 40],
      'encoder.fc.bias': [40],
      'decoder.fc.kernel': [20, 7 * 7 * 64],
      'decoder.fc.bias': [7 * 7 * 64],
      'decoder.up1.kernel': [4, 4, 32, 64],
      'decoder.up1.bias': [32],
      'decoder.up2.kernel': [4, 4, 1, 32],
      'decoder.up2.bias': [1],
    });
    expect(model.parameterCount).toBe(16 * 32 + 32 + 16 * 32 * 64 + 64 + 3136 * 40 + 40 + 20 * 3136 + 3136 + 16 * 64 * 32 + 32 + 16 * 32 + 1);

    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 1).greater(0.5).toFloat();
    const [samples, z, elbo, iwae] = [model.sample(2, 1), model.encode!(x), model.elbo(x), model.iwaeBound(x, 3)];
    expect(samples.shape).toEqual([2, 28, 28, 1]);
    expect(z.shape).toEqual([3, 20]);
    expect(elbo.shape).toEqual([3]);
    expect(iwae.shape).toEqual([3]);
    expect((await samples.data()).every((p) => p > 0 && p < 1)).toBe(true);
    // An untrained decoder is near p = 1/2 per pixel: about 784·ln 2 ≈ 543 nats per example.
    const firstElbo = (await elbo.data())[0];
    expect(firstElbo).toBeLessThan(-400);
    expect(firstElbo).toBeGreaterThan(-700);
    const decoded = model.decode!(z);
    expect(decoded.shape).toEqual([3, 28, 28, 1]);
    // Flat rows [n, 784] are accepted as well as images.
    const flat = model.elbo(x.reshape([3, 784]), { seed: 2 });
    const images = model.elbo(x, { seed: 2 });
    expect(Array.from(await flat.data())).toEqual(Array.from(await images.data()));
    tf.dispose([x, samples, z, elbo, iwae, decoded, flat, images]);
    model.dispose();
  });

  it('takes one training step on a 28×28 batch on wasm without leaking tensors', async () => {
    const model = createModel('vae', { architecture: 'conv', convChannels: [8, 16], latentDim: 4 }, { dataShape: [28, 28, 1], seed: 2 });
    const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 3).greater(0.5).toFloat();
    await expectNoTensorLeak(() => model.trainStep(x), { label: 'conv trainStep' });
    expect(model.stepCount).toBe(4);
    x.dispose();
    model.dispose();
  });

  it('exports its decoder like the MLP VAE (tfjs-layers.export.spec compares the values); a conditional one has none', () => {
    const conv = createModel('vae', SMALL_CONV, { dataShape: [8, 8, 1], seed: 1 });
    const conditional = createModel('vae', { ...SMALL_CONV, conditional: true }, { dataShape: [8, 8, 1], seed: 1, numClasses: 2 });
    expect(canExportDecoder(conv)).toBe(true);
    expect(canExportDecoder(conditional)).toBe(false);
    conv.dispose();
    conditional.dispose();
  });

  it('models real-valued images with a gaussian likelihood', async () => {
    const model = createModel('vae', { ...SMALL_CONV, likelihood: 'gaussian' }, { dataShape: [8, 8, 1], seed: 1 });
    const x = tf.tidy(() => barsAndBoxes().mul(4).sub(2));
    const [elbo, samples] = [model.elbo!(x, { seed: 1 }), model.sample(2, 3)];
    expect((await elbo.data()).every(Number.isFinite)).toBe(true);
    expect(samples.shape).toEqual([2, 8, 8, 1]);
    tf.dispose([x, elbo, samples]);
    model.dispose();
  });
});

describe('vae conv config and data rules', () => {
  beforeAll(() => initCompute({ logger: false }));

  const ring8 = { shape: [2], trainCount: 8000, min: -2.1, max: 2.1 };
  const mnist = { shape: [28, 28, 1], trainCount: 8000, min: 0, max: 1, numClasses: 10 };

  it('refuses data that is not an image with sides divisible by 4, naming the fix', () => {
    const conv = { architecture: 'conv', likelihood: 'gaussian' } as const;
    expect(() => assertDatasetFits('vae', conv, ring8)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(/architecture 'conv' needs images .*shape \[2\].*use architecture 'mlp'/) }),
    );
    expect(() => assertDatasetFits('vae', conv, { ...mnist, shape: [30, 30, 1] })).toThrow(invalid);
    expect(() => assertDatasetFits('vae', conv, { ...mnist, shape: [28, 28] })).toThrow(invalid);
    expect(() => assertDatasetFits('vae', { architecture: 'conv' }, mnist)).not.toThrow();
    expect(() => assertDatasetFits('vae', { architecture: 'conv', conditional: true }, mnist)).not.toThrow();
    expect(() => assertDatasetFits('vae', { likelihood: 'gaussian' }, ring8)).not.toThrow();
    // The model refuses such a shape too, before creating any variable.
    const before = tf.memory().numTensors;
    expect(() => createModel('vae', conv, { dataShape: [2], seed: 1 })).toThrow(invalid);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates the new fields', () => {
    const naming = (text: string) => expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringContaining(text) });
    expect(() => parseConfig('vae', { architecture: 'resnet' })).toThrow(naming("config.architecture: must be 'mlp' or 'conv'"));
    expect(() => parseConfig('vae', { convChannels: [8] })).toThrow(naming('config.convChannels: must list exactly 2 channel counts'));
    expect(() => parseConfig('vae', { convChannels: [8, 0] })).toThrow(naming('config.convChannels[1]: must be a positive integer'));
    expect(() => parseConfig('vae', { conditional: 'yes' })).toThrow(naming('config.conditional: must be true or false'));
    expect(parseConfig('vae', { architecture: 'conv' })).toMatchObject({ architecture: 'conv', convChannels: [32, 64], conditional: false });
  });
});
