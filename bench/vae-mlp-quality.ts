/**
 * The `vae-mlp` workload of WORKLOADS.md, run as ../shared/bench/reference_pytorch.py runs
 * it: the default VAE (784-400-2×20, Bernoulli decoder, Adam 1e-3, batch 128). Timing first,
 * on the model that is then trained (as the reference does): 5 warm-up + 50 timed steps on
 * one fixed batch (the first 128 training images), each waiting for its loss, ms/step = their
 * median. Then 20 epochs on the first 8,000 binarised MNIST test images (shuffled each epoch,
 * incomplete batches dropped), and the test NLL on the last 2,000 by IWAE k=100 (and −ELBO).
 *
 *   node libs/models/scripts/run-ts.mjs bench/vae-mlp-quality.ts [--epochs 20] [--seed 0] [--quick] [--mnist <idx.gz>]
 *
 * `--quick`: 2 epochs (the reference's --quick). Prints one workload figure (JSON).
 */
import { SeededRng, initCompute, tf } from '@genlab/compute';
import { evaluateLikelihood } from '@genlab/metrics';
import { createModel } from '@genlab/models';
import { arg, QUICK } from './lib/bench-args';
import { MNIST_IMAGES, binarisedMnist, permutation } from './lib/mnist';
import { medianStepMs } from './lib/step-timing';
import { genlabRuntime, printWorkloadFigure } from './lib/workload-figure';

const EPOCHS = Number(arg('epochs', QUICK ? '2' : '20'));
const SEED = Number(arg('seed', '0'));
const MNIST = arg('mnist', MNIST_IMAGES);
const D = 784;
const BATCH = 128;
const K = 100;

async function main(): Promise<void> {
  const compute = await initCompute();
  const all = binarisedMnist(MNIST);
  const train = all.subarray(0, 8_000 * D);
  const test = { shape: [D], count: 2_000, x: all.subarray(8_000 * D) };
  const model = createModel('vae', {}, { dataShape: [D], seed: SEED });

  const fixed = tf.tensor2d(train.subarray(0, BATCH * D), [BATCH, D]);
  const msPerStep = await medianStepMs(() => model.trainStep(fixed));
  fixed.dispose();

  const rng = new SeededRng(SEED);
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
    console.error(`epoch ${epoch + 1}: last batch loss ${(await (last as tf.Scalar).data())[0].toFixed(2)}`);
    last?.dispose();
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const estimates = await evaluateLikelihood(model, test, { k: K, batchSize: 100 });
  const iwae = estimates.find((e) => e.estimator === `iwae-${K}`);
  if (!iwae) throw new Error(`the vae gave no iwae-${K} estimate`);
  printWorkloadFigure({
    workload: 'vae-mlp',
    ...genlabRuntime(compute),
    seed: SEED,
    msPerStep: Number(msPerStep.toFixed(1)),
    quality: { metric: 'test NLL', estimator: iwae.estimator, value: Number(iwae.valueNats.toFixed(2)), unit: 'nats', stdError: Number(iwae.stdErrorNats.toFixed(2)) },
    estimates,
    epochs: EPOCHS,
    steps: model.stepCount,
    trainSeconds: Number(trainSeconds.toFixed(1)),
  });
  model.dispose();
}

void main();
