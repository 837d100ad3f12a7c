import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { canExportDecoder } from '../generative-model';
import { createModel } from '../model-registry';
import { TFJS_WEIGHTS_FILE } from './tfjs-layers.export';

describe('exportDecoder', () => {
  beforeAll(async () => {
    await initCompute({ logger: false });
  });

  const cases = [
    { architecture: 'mlp', config: { hiddenDims: [8, 5] }, dataShape: [4, 2, 1], weightCount: 6 },
    // Non-square, three channels: the reshape to [H/4, W/4, c2] and the kernels' [k, k, out, in] layout both show.
    { architecture: 'conv', config: { architecture: 'conv', convChannels: [4, 6] }, dataShape: [8, 12, 3], weightCount: 6 },
  ] as const;
  for (const { architecture, config, dataShape, weightCount } of cases)
  for (const likelihood of ['bernoulli', 'gaussian'] as const) {
    it(`gives a tfjs layers model computing the same decoder mean within 1e-5 (${architecture}, ${likelihood})`, async () => {
      const model = createModel('vae', { latentDim: 3, likelihood, learningRate: 1e-2, ...config }, { dataShape: [...dataShape], seed: 11 });
      const batch = tf.randomUniform([6, ...dataShape], 0, 1, 'float32', 2).greater(0.5).toFloat();
      for (let i = 0; i < 3; i++) model.trainStep(batch).dispose(); // weights other than the initial ones
      expect(canExportDecoder(model)).toBe(true);
      if (!canExportDecoder(model)) return;
      const before = tf.memory().numTensors;
      const exported = await model.exportDecoder();
      expect(tf.memory().numTensors).toBe(before);
      expect(exported.inputShape).toEqual([3]);
      expect(exported.outputShape).toEqual(dataShape);
      const manifest = exported.modelJson.weightsManifest as { paths: string[]; weights: { name: string }[] }[];
      expect(manifest[0]!.paths).toEqual([TFJS_WEIGHTS_FILE]);
      expect(manifest[0]!.weights).toHaveLength(weightCount);

      // Load it as a browser would, from the two files' contents.
      const weightData = exported.weights.slice().buffer;
      const loaded = await tf.loadLayersModel(
        tf.io.fromMemory({ modelTopology: exported.modelJson.modelTopology as object, weightSpecs: manifest[0]!.weights as tf.io.WeightsManifestEntry[], weightData }),
      );
      const z = tf.randomNormal([5, 3], 0, 1, 'float32', 7);
      const expected = model.decode!(z);
      const actual = loaded.predict(z) as tf.Tensor;
      expect(actual.shape).toEqual([5, ...dataShape]);
      const [a, e] = [await actual.data(), await expected.data()];
      let worst = 0;
      for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i]! - e[i]!));
      expect(worst).toBeLessThan(1e-5);
      expect(new Set(e).size).toBeGreaterThan(1); // a real picture, not a constant
      tf.dispose([z, expected, actual, batch]);
      loaded.dispose();
      model.dispose();
    });
  }
});
