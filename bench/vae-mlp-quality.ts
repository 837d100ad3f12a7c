/**
 * The `vae-mlp` quality check of WORKLOADS.md: train the default VAE for 20 epochs on the
 * first 8,000 binarised MNIST test images (batch 128, incomplete batches dropped), then
 * report the test NLL on the last 2,000 by IWAE k=100 (and the −ELBO).
 *
 *   node libs/models/scripts/run-ts.mjs bench/vae-mlp-quality.ts [--epochs 20] [--mnist <idx.gz>]
 */
import { SeededRng, initCompute, tf } from '@genlab/compute';
import { evaluateLikelihood } from '@genlab/metrics';
import { createModel } from '@genlab/models';
import { arg } from './lib/bench-args';
import { MNIST_IMAGES, binarisedMnist, permutation } from './lib/mnist';

const EPOCHS = Number(arg('epochs', '20'));
const MNIST = arg('mnist', MNIST_IMAGES);
const D = 784;
const BATCH = 128;

async function main(): Promise<void> {
  const compute = await initCompute();
  const all = binarisedMnist(MNIST);
  const train = all.subarray(0, 8_000 * D);
  const test = { shape: [D], count: 2_000, x: all.subarray(8_000 * D) };
  const model = createModel('vae', {}, { dataShape: [D], seed: 0 });
  const rng = new SeededRng(0);
  const batch = new Float32Array(BATCH * D);
  const started = performance.now();
  for (let epoch = 0; epoch < EPOCHS; epoch += 1) {
    const order = permutation(8_000, rng);
    let last: tf.Scalar | undefined;
    for (let start = 0; start + BATCH <= 8_000; start += BATCH) {
      for (let i = 0; i < BATCH; i += 1) batch.set(train.subarray(order[start + i] * D, (order[start + i] + 1) * D), i * D);
      const x = tf.tensor2d(batch, [BATCH, D]);
      last?.dispose();
      last = model.trainStep(x);
      x.dispose();
    }
    console.log(`epoch ${epoch + 1}: last batch loss ${(await (last as tf.Scalar).data())[0].toFixed(2)}`);
    last?.dispose();
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const estimates = await evaluateLikelihood(model, test, { k: 100, batchSize: 100 });
  console.log(JSON.stringify({ workload: 'vae-mlp', backend: compute.backend, epochs: EPOCHS, trainSeconds: Number(trainSeconds.toFixed(1)), estimates }));
  model.dispose();
}

void main();
