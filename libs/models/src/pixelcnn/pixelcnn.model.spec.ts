import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ErrorCode } from '@genlab/errors';
import { assertDatasetFits, createModel, loadModel, parseConfig, prepareDataset } from '../model-registry';
import { ParameterSet } from '../nn/parameter-set';
import { describeGenerativeModelContract } from '../testing/generative-model.contract';
import { expectNoTensorLeak } from '../testing/tensor-leak';
import { pixelCnnConfigSchema } from './pixelcnn.config';
import { applyMaskedConv, createMaskedConv } from './pixelcnn.masked-conv';
import type { PixelCnnModel } from './pixelcnn.model';
import { createPixelCnnNetwork, disposeNetwork, pixelLogits } from './pixelcnn.network';

const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });

/** `count` binary 8×8 images: a vertical bar (even i) or a box outline (odd i), each with one flipped pixel. */
function binaryImages(count: number, size = 8): tf.Tensor4D {
  const rows = Array.from({ length: count }, (_, i) => {
    const image = Array.from({ length: size * size }, (_, p): number => {
      const [r, c] = [Math.floor(p / size), p % size];
      const on = i % 2 === 0 ? c === 3 || c === 4 : r === 1 || r === size - 2 || c === 1 || c === size - 2;
      return on ? 1 : 0;
    });
    image[(i * 7) % (size * size)] = 1 - image[(i * 7) % (size * size)];
    return image;
  });
  return tf.tensor4d(rows.flat(), [count, size, size, 1]);
}

const SMALL = { hiddenChannels: 8, firstKernelSize: 5, maskedLayers: 2, learningRate: 1e-2 };

describeGenerativeModelContract({
  family: 'pixelcnn',
  label: 'pixelcnn (8×8 binary images)',
  config: SMALL,
  dataShape: [8, 8, 1],
  batch: () => binaryImages(16),
});

/** ∂ output[pixel] / ∂ input, as a flat array over the input's pixels. */
async function inputGradient(f: (x: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, pixel: number): Promise<Float32Array> {
  const [, h, w] = x.shape;
  const g = tf.grad((input: tf.Tensor) => tf.sum(f(input as tf.Tensor4D).reshape([h * w]).slice([pixel], [1])))(x);
  const values = (await g.data()) as Float32Array;
  g.dispose();
  return values;
}

describe('pixelcnn masks', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('a type-A layer hides the centre pixel from itself; a type-B layer shows it; neither sees later pixels', async () => {
    const x = tf.randomUniform([1, 5, 5, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const centre = 12;
    for (const type of ['A', 'B'] as const) {
      const params = new ParameterSet();
      const layer = createMaskedConv(params, 'conv', { k: 5, cin: 1, cout: 1, type, numClasses: 0, seed: 3 });
      const grad = await inputGradient((input) => applyMaskedConv(layer, input), x, centre);
      grad.forEach((g, j) => {
        if (j > centre || (j === centre && type === 'A')) expect(g, `${type}: input ${j}`).toBe(0);
        else expect(g, `${type}: input ${j}`).not.toBe(0); // a 5×5 kernel on a 5×5 image reaches every earlier pixel
      });
      params.dispose();
      layer.mask.dispose();
    }
    x.dispose();
  });

  it('the whole network: the logit of pixel i depends on no input at or after i in raster order, and on its left and upper neighbours', async () => {
    const params = new ParameterSet();
    const config = pixelCnnConfigSchema.parse({ hiddenChannels: 4, firstKernelSize: 3, maskedLayers: 3 });
    const net = createPixelCnnNetwork(params, config, 0, 5);
    const x = tf.randomUniform([1, 6, 6, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    for (let i = 0; i < 36; i += 1) {
      const grad = await inputGradient((input) => pixelLogits(net, input), x, i);
      for (let j = i; j < 36; j += 1) expect(grad[j], `logit ${i} ← input ${j}`).toBe(0);
      if (i % 6 > 0) expect(grad[i - 1], `logit ${i} ← input ${i - 1}`).not.toBe(0);
      if (i >= 6) expect(grad[i - 6], `logit ${i} ← input ${i - 6}`).not.toBe(0);
    }
    x.dispose();
    disposeNetwork(net);
    params.dispose();
  });

  it('a window of receptiveRows rows above row r gives row r its full-image logits (the sampler relies on it)', async () => {
    const params = new ParameterSet();
    const config = pixelCnnConfigSchema.parse({ hiddenChannels: 4, firstKernelSize: 5, maskedLayers: 2 });
    const net = createPixelCnnNetwork(params, config, 0, 6);
    expect(net.receptiveRows).toBe(4);
    const x = tf.randomUniform([2, 10, 7, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const full = pixelLogits(net, x);
    for (const r of [0, 3, 4, 9]) {
      const top = Math.max(0, r - net.receptiveRows);
      const windowed = pixelLogits(net, x.slice([0, top, 0, 0], [2, r - top + 1, 7, 1])).slice([0, r - top, 0, 0], [2, 1, 7, 1]);
      const expected = full.slice([0, r, 0, 0], [2, 1, 7, 1]);
      const diff = (await tf.max(tf.abs(windowed.sub(expected))).data())[0];
      expect(diff, `row ${r}`).toBeLessThan(1e-5);
      tf.dispose([windowed, expected]);
    }
    tf.dispose([x, full]);
    disposeNetwork(net);
    params.dispose();
  });
});

describe('pixelcnn sampling', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('draws binary images, and reproduces a pattern it has learnt', async () => {
    const model = createModel('pixelcnn', { ...SMALL, hiddenChannels: 16 }, { dataShape: [8, 8, 1], seed: 2 }) as PixelCnnModel;
    const pattern = tf.tidy(() => tf.tile(binaryImages(1), [16, 1, 1, 1]));
    for (let i = 0; i < 150; i += 1) model.trainStep(pattern).dispose();
    const samples = model.sample(8, 1);
    const values = await samples.data();
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    const target = await pattern.slice([0, 0, 0, 0], [1, 8, 8, 1]).data();
    const agreement = Array.from(values).filter((v, i) => v === target[i % 64]).length / values.length;
    expect(agreement).toBeGreaterThan(0.95);
    tf.dispose([pattern, samples]);
    model.dispose();
  }, 60_000);

  it('stops between pixels once isCancelled says so, with CANCELLED and no tensor left behind', async () => {
    const model = createModel('pixelcnn', SMALL, { dataShape: [8, 8, 1], seed: 2 });
    let checks = 0;
    await expectNoTensorLeak(() => {
      checks = 0;
      try {
        model.sample(4, 1, { isCancelled: () => ++checks > 10 });
      } catch (error) {
        expect(error).toMatchObject({ code: ErrorCode.Cancelled, message: 'pixelcnn sampling stopped after 10 of 64 steps: the caller cancelled' });
        return;
      }
      throw new Error('sampling was not cancelled');
    });
    expect(checks).toBe(11);
    model.dispose();
  });
});

describe('class-conditional pixelcnn', () => {
  beforeAll(() => initCompute({ logger: false }));
  const config = { ...SMALL, conditional: true };

  it('learns per-class biases: log p(x | y) differs by label and is higher for the true class; keeps them through save/load', async () => {
    const model = createModel('pixelcnn', config, { dataShape: [8, 8, 1], seed: 3, numClasses: 2 }) as PixelCnnModel;
    expect(model.capabilities.conditional).toBe(true);
    const x = binaryImages(16);
    const labels = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 2), 'int32');
    const flipped = tf.tensor1d(Array.from({ length: 16 }, (_, i) => 1 - (i % 2)), 'int32');
    for (let i = 0; i < 40; i += 1) model.trainStep(x, labels).dispose();
    const [right, wrong] = [model.logProb(x, { labels }), model.logProb(x, { labels: flipped })];
    const [r, w] = [await right.data(), await wrong.data()];
    r.forEach((v, i) => expect(v).toBeGreaterThan(w[i]));

    const restored = (await loadModel(await model.save())) as PixelCnnModel;
    const again = restored.logProb(x, { labels });
    expect(Array.from(await again.data())).toEqual(Array.from(r));
    const samples = [model.sample(4, 9, { labels: Int32Array.from([0, 0, 1, 1]) }), restored.sample(4, 9, { labels: Int32Array.from([0, 0, 1, 1]) })];
    expect(Array.from(await samples[1].data())).toEqual(Array.from(await samples[0].data()));
    tf.dispose([x, labels, flipped, right, wrong, again, ...samples]);
    model.dispose();
    restored.dispose();
  }, 60_000);

  it('needs numClasses at creation and labels for training and log p', () => {
    expect(() => createModel('pixelcnn', config, { dataShape: [8, 8, 1], seed: 3 })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(/number of classes/) }),
    );
    const model = createModel('pixelcnn', config, { dataShape: [8, 8, 1], seed: 3, numClasses: 3 });
    const x = binaryImages(2);
    const floatLabels = tf.tensor1d([0, 1]);
    expect(() => model.trainStep(x)).toThrow(invalid);
    expect(() => model.trainStep(x, floatLabels)).toThrow(invalid);
    expect(() => model.logProb!(x)).toThrow(invalid);
    expect(() => model.sample(2, 1, { labels: Int32Array.from([0, 3]) })).toThrow(invalid);
    expect(model.stepCount).toBe(0);
    tf.dispose([x, floatLabels]);
    model.dispose();
  });
});

describe('pixelcnn config and data rules', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('names bad fields', () => {
    expect(() => parseConfig('pixelcnn', { firstKernelSize: 6 })).toThrow(/config\.firstKernelSize: must be an odd integer from 1 to 15/);
    expect(() => parseConfig('pixelcnn', { hiddenChannels: 0 })).toThrow(/config\.hiddenChannels: must be a positive integer/);
    expect(() => parseConfig('pixelcnn', { maskedLayers: -1 })).toThrow(/config\.maskedLayers/);
  });

  it('rejects 2-D points, multi-channel images, kernels larger than the image and values outside [0, 1]', () => {
    const fits = (config: Record<string, unknown>, shape: number[], min = 0, max = 1) => () =>
      assertDatasetFits('pixelcnn', config, { shape, trainCount: 1000, min, max });
    expect(fits({}, [2], -3, 3)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(/\[height, width, 1\].*shape \[2\]/) }));
    expect(fits({}, [28, 28, 3])).toThrow(invalid);
    expect(fits({}, [5, 5, 1])).toThrow(expect.objectContaining({ message: expect.stringMatching(/firstKernelSize 7 is larger than the 5×5 images/) }));
    expect(fits({ firstKernelSize: 5, kernelSize: 7 }, [5, 5, 1])).toThrow(expect.objectContaining({ message: expect.stringMatching(/kernelSize 7/) }));
    expect(fits({}, [28, 28, 1], 0, 255)).toThrow(expect.objectContaining({ message: expect.stringMatching(/\[0, 1\]/) }));
    expect(fits({}, [28, 28, 1])).not.toThrow();
    expect(() => createModel('pixelcnn', {}, { dataShape: [2], seed: 1 })).toThrow(invalid);
  });

  it('trains on binarised data (x > 0.5)', () => {
    const data = { shape: [2, 2, 1], count: 1, x: Float32Array.from([0.2, 0.5, 0.51, 1]) };
    expect(Array.from(prepareDataset('pixelcnn', {}, data).x)).toEqual([0, 0, 1, 1]);
  });
});
