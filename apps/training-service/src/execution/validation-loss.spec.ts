import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ring8, sliceDataset, type TensorDataset } from '@genlab/data';
import { createModel, prepareDataset, type GenerativeModel } from '@genlab/models';
import { SMALL_VAE } from '../testing/training-fixtures';
import { CheckpointScorer, VALIDATION_EXAMPLES, validationLoss, validationLossOfBytes } from './validation-loss';

type ElboModel = GenerativeModel & { elbo: (x: tf.Tensor, options: { seed: number }) => tf.Tensor1D };

/** −ELBO summed over `examples`, scored in passes of `rows` examples, computed here from the model. */
function negativeElboSum(model: ElboModel, examples: TensorDataset, rows: number, seed: number): number {
  let total = 0;
  for (let start = 0; start < examples.count; start += rows) {
    const part = sliceDataset(examples, start, Math.min(examples.count, start + rows));
    const sum = tf.tidy(() => model.elbo(tf.tensor(part.x, [part.count, ...part.shape]), { seed }).sum());
    total -= sum.dataSync()[0] as number;
    sum.dispose();
  }
  return total;
}

describe('validationLoss', () => {
  beforeAll(async () => {
    await initCompute({ backend: 'wasm', logger: false });
  });

  it('is the mean −ELBO of the first 512 held-out points, scored in one pass, and leaves no tensors', async () => {
    const heldOut = prepareDataset('vae', SMALL_VAE, ring8.sample(700, 4));
    const model = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 5 }) as ElboModel;
    const before = tf.memory().numTensors;
    const loss = await validationLoss(model, heldOut, 9);
    expect(tf.memory().numTensors).toBe(before);
    const first = sliceDataset(heldOut, 0, VALIDATION_EXAMPLES);
    expect(loss).toBeCloseTo(negativeElboSum(model, first, VALIDATION_EXAMPLES, 9) / VALIDATION_EXAMPLES, 4);
    expect(await validationLoss(model, heldOut, 9)).toBe(loss); // the estimator's noise is fixed by the seed
    expect(await validationLoss(model, heldOut, 10)).not.toBe(loss);
    expect(await validationLoss(model, sliceDataset(heldOut, 0, 0), 9)).toBeUndefined();
    model.dispose();
  });

  it('scores larger examples 128 at a time (bounded activations)', async () => {
    const config = { ...SMALL_VAE, likelihood: 'bernoulli' };
    const images: TensorDataset = { shape: [9, 9, 1], count: 300, x: Float32Array.from({ length: 300 * 81 }, (_, i) => ((i * 37) % 11 < 5 ? 1 : 0)) };
    const model = createModel('vae', config, { dataShape: [9, 9, 1], seed: 5 }) as ElboModel;
    const loss = await validationLoss(model, images, 3);
    expect(loss).toBeCloseTo(negativeElboSum(model, images, 128, 3) / images.count, 4);
    expect(loss).not.toBeCloseTo(negativeElboSum(model, images, images.count, 3) / images.count, 4); // one pass would draw other noise
    model.dispose();
  });

  it("CheckpointScorer: a run's checkpoints score as each loaded alone; a run's model is kept (the last two runs'), freed on release", async () => {
    const heldOut = prepareDataset('vae', SMALL_VAE, ring8.sample(600, 4));
    const x = tf.tensor2d(heldOut.x.slice(0, 128), [64, 2]);
    const models = [5, 6, 7].map((seed) => createModel('vae', SMALL_VAE, { dataShape: [2], seed }));
    const before = tf.memory().numTensors;
    const scorer = new CheckpointScorer(2);
    const checkpoint = async (run: string, model: GenerativeModel) => {
      model.trainStep(x).dispose();
      const bytes = await model.save();
      expect(await scorer.score(run, bytes, heldOut, 9)).toBe(await validationLossOfBytes(bytes, heldOut, 9));
    };
    // Runs a and b take turns: each one's model is built once, then given each new checkpoint's parameters.
    await checkpoint('a', models[0] as GenerativeModel);
    await checkpoint('b', models[1] as GenerativeModel);
    const kept = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await checkpoint('a', models[0] as GenerativeModel);
      await checkpoint('b', models[1] as GenerativeModel);
      expect(tf.memory().numTensors).toBe(kept);
    }
    await checkpoint('c', models[2] as GenerativeModel); // run a's model makes room for c's
    expect(scorer.size).toBe(2);
    expect(tf.memory().numTensors).toBe(kept);
    scorer.release('b');
    scorer.release('c');
    expect(scorer.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    models.forEach((m) => m.dispose());
  });
});
