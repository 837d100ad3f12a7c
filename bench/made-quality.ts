/**
 * The `made` workload of WORKLOADS.md: the default MADE (masked 784-500-784, natural
 * ordering, hidden degrees uniform in 1..783 from seed 0, Adam 1e-3, batch 128) trained for
 * 20 epochs on the first 8,000 binarised MNIST test images (incomplete batches dropped),
 * then the exact test NLL on the last 2,000. Also ms/step: median of 50 steps after 5
 * warm-up steps on one fixed batch, each waiting for its loss. Reference: 106.5 nats.
 *
 *   node libs/models/scripts/run-ts.mjs bench/made-quality.ts [--epochs 20] [--seed 0] [--mnist <idx.gz>]
 */
import { SeededRng, initCompute, tf } from '@genlab/compute';
import { evaluateLikelihood } from '@genlab/metrics';
import { createModel } from '@genlab/models';
import { arg } from './lib/bench-args';
import { MNIST_IMAGES, binarisedMnist, permutation } from './lib/mnist';

const EPOCHS = Number(arg('epochs', '20'));
const SEED = Number(arg('seed', '0'));
const MNIST = arg('mnist', MNIST_IMAGES);
const D = 784;
const BATCH = 128;
const REFERENCE_NLL = 106.5;

async function medianStepMs(step: () => tf.Scalar, warmup = 5, steps = 50): Promise<number> {
  const once = async () => {
    const loss = step();
    await loss.data();
    loss.dispose();
  };
  for (let i = 0; i < warmup; i += 1) await once();
  const times: number[] = [];
  for (let i = 0; i < steps; i += 1) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  const compute = await initCompute();
  const all = binarisedMnist(MNIST);
  const train = all.subarray(0, 8_000 * D);
  const test = { shape: [D], count: 2_000, x: all.subarray(8_000 * D) };

  // Timing on a throwaway model, so the trained one follows the workload's exact step count.
  const timed = createModel('made', {}, { dataShape: [D], seed: 0 });
  const fixed = tf.tensor2d(train.subarray(0, BATCH * D), [BATCH, D]);
  const msPerStep = await medianStepMs(() => timed.trainStep(fixed));
  timed.dispose();
  fixed.dispose();

  const model = createModel('made', {}, { dataShape: [D], seed: SEED });
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
  const [exact] = await evaluateLikelihood(model, test, { estimators: ['exact'], batchSize: 100 });
  console.log(
    JSON.stringify({
      workload: 'made',
      seed: SEED,
      backend: compute.backend,
      epochs: EPOCHS,
      steps: model.stepCount,
      msPerStep: Number(msPerStep.toFixed(1)),
      trainSeconds: Number(trainSeconds.toFixed(1)),
      testNllNats: Number(exact.valueNats.toFixed(2)),
      stdErrorNats: Number(exact.stdErrorNats.toFixed(2)),
      estimator: exact.estimator,
      referenceNllNats: REFERENCE_NLL,
    }),
  );
  model.dispose();
}

void main();
