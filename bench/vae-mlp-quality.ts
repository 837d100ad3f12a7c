/**
 * The `vae-mlp` quality check of WORKLOADS.md: train the default VAE for 20 epochs on the
 * first 8,000 binarised MNIST test images (batch 128, incomplete batches dropped), then
 * report the test NLL on the last 2,000 by IWAE k=100 (and the −ELBO).
 *
 *   node libs/models/scripts/run-ts.mjs bench/vae-mlp-quality.ts [--epochs 20] [--mnist <idx.gz>]
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SeededRng, initCompute, tf } from '@genlab/compute';
import { evaluateLikelihood } from '@genlab/metrics';
import { createModel } from '@genlab/models';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const EPOCHS = Number(arg('epochs', '20'));
const MNIST = arg('mnist', '../shared/data/mnist/t10k-images-idx3-ubyte.gz');
const D = 784;
const BATCH = 128;

function binarisedMnist(): Float32Array {
  const raw = gunzipSync(readFileSync(MNIST));
  const x = new Float32Array(10_000 * D);
  for (let i = 0; i < x.length; i += 1) x[i] = raw[16 + i] / 255 > 0.5 ? 1 : 0;
  return x;
}

function permutation(n: number, rng: SeededRng): Uint32Array {
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = rng.nextUint32() % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

async function main(): Promise<void> {
  const compute = await initCompute();
  const all = binarisedMnist();
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
