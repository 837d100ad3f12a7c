import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { createRng, type TensorDataset } from '@genlab/data';
import { ErrorCode } from '@genlab/errors';
import { buildFeatureClassifier, classifierAccuracy, FEATURE_DIM, featureHeads, trainFeatureClassifier } from './feature-classifier';

/** 8×8 images: class 0 has horizontal stripes, class 1 vertical ones, both with noise. */
function stripes(count: number, seed: number): TensorDataset {
  const rng = createRng(seed);
  const x = new Float32Array(count * 64);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 64; p++) {
      const [row, col] = [Math.floor(p / 8), p % 8];
      const on = (labels[i] === 0 ? row : col) % 2 === 0;
      x[i * 64 + p] = Math.min(1, Math.max(0, (on ? 0.8 : 0.2) + 0.2 * (rng.next() - 0.5)));
    }
  }
  return { shape: [8, 8, 1], count, x, labels, numClasses: 2 };
}

describe('feature classifier', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('learns a labelled image set, and gives 128-d features and class probabilities, leaving no tensors', async () => {
    const before = tf.memory().numTensors;
    const model = buildFeatureClassifier([8, 8, 1], 2, 3);
    const progress: number[] = [];
    await trainFeatureClassifier(model, stripes(256, 1), { epochs: 2, batchSize: 32, learningRate: 3e-3, seed: 3, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(await classifierAccuracy(model, stripes(100, 2))).toBeGreaterThan(0.95);

    const heads = featureHeads(model);
    const input = tf.tensor4d(stripes(4, 5).x, [4, 8, 8, 1]);
    const [features, probs] = heads.predict(input) as tf.Tensor[];
    expect(features!.shape).toEqual([4, FEATURE_DIM]);
    const total = probs!.sum(1);
    for (const s of await total.data()) expect(s).toBeCloseTo(1, 5);
    tf.dispose([input, features!, probs!, total]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is seeded: the same seed gives the same weights', async () => {
    const weights = async (seed: number) => {
      const model = buildFeatureClassifier([4], 3, seed);
      const values = Array.from(await model.getWeights()[0]!.data());
      model.dispose();
      return values;
    };
    expect(await weights(7)).toEqual(await weights(7));
    expect(await weights(7)).not.toEqual(await weights(8));
  });

  it('needs labels of two or more classes and a known data rank', () => {
    expect(() => buildFeatureClassifier([8, 8, 1], 1, 1)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
    expect(() => buildFeatureClassifier([2, 2], 2, 1)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});
