/**
 * ms per training step of the WORKLOADS.md `vae-mlp` workload (batch 128, Adam 1e-3) on the
 * active backend: median of 50 steps after 5 warm-up steps, one fixed batch, each step
 * waiting for its loss value.
 *
 *   node libs/models/scripts/run-ts.mjs bench/vae-mlp-step.ts [--steps 50] [--rounds 3] [--quick] [--mnist <idx.gz>]
 *
 * `--quick`: one round of 20 steps after 2 warm-up steps. (The side-by-side vae-mlp ms/step
 * against PyTorch comes from vae-mlp-quality.ts, timed as the reference times it.)
 * The variants take turns for `--rounds` rounds (the machine is shared and noisy); each
 * figure is the median of a variant's per-round medians.
 * Variants: `tfjs-naive` is a plain tfjs VAE (tf.matMul, tf.train.adam): its gradients use
 * transposed matmuls. `custom-grad` is the same with genlab's transpose-free `matMul`.
 * `genlab` is `createModel('vae')` with defaults, which also skips the input gradient
 * of the first layer and uses genlab's Adam.
 */
import { existsSync } from 'node:fs';
import { initCompute, tf } from '@genlab/compute';
import { createModel } from '@genlab/models';
import { matMul } from '../libs/models/src/nn/mat-mul';
import { arg, QUICK } from './lib/bench-args';
import { MNIST_IMAGES, binarisedMnist } from './lib/mnist';
import { medianStepMs } from './lib/step-timing';

const BATCH = 128;
const STEPS = Number(arg('steps', QUICK ? '20' : '50'));
const ROUNDS = Number(arg('rounds', QUICK ? '1' : '3'));
const WARMUP = Number(arg('warmup', QUICK ? '2' : '5'));
const MNIST = arg('mnist', MNIST_IMAGES);

/** The first 128 MNIST test images, binarised at 0.5 (random bits if the file is absent). */
function fixedBatch(): { x: tf.Tensor2D; source: string } {
  if (!existsSync(MNIST)) return { x: tf.randomUniform([BATCH, 784], 0, 1, 'float32', 0).greater(0.5).toFloat() as tf.Tensor2D, source: 'random bits' };
  const pixels = binarisedMnist(MNIST).slice(0, BATCH * 784);
  return { x: tf.tensor2d(pixels, [BATCH, 784]), source: MNIST };
}

/** A textbook tfjs VAE step, parameterised by the matmul used in its dense layers. */
function plainTfjsStep(x: tf.Tensor2D, mm: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D): () => tf.Scalar {
  const dense = (i: number, o: number) => {
    const b = 1 / Math.sqrt(i);
    return [tf.variable(tf.randomUniform([i, o], -b, b, 'float32', i * o)), tf.variable(tf.randomUniform([o], -b, b, 'float32', o))] as const;
  };
  const [e1, e2, d1, d2] = [dense(784, 400), dense(400, 40), dense(20, 400), dense(400, 784)];
  const layer = (h: tf.Tensor2D, [w, b]: readonly [tf.Variable, tf.Variable]) => mm(h, w as tf.Tensor2D).add(b) as tf.Tensor2D;
  const optimizer = tf.train.adam(1e-3);
  let seed = 0;
  return () =>
    optimizer.minimize(() => {
      const h = layer(tf.relu(layer(x, e1)), e2);
      const [mu, lv] = tf.split(h, 2, 1);
      const z = mu.add(tf.randomNormal(mu.shape, 0, 1, 'float32', seed++).mul(tf.exp(lv.mul(0.5)))) as tf.Tensor2D;
      const logits = layer(tf.relu(layer(z, d1)), d2);
      const rec = tf.relu(logits).sub(logits.mul(x)).add(tf.log1p(tf.exp(tf.neg(tf.abs(logits))))).sum();
      const kl = tf.exp(lv).add(mu.square()).sub(1).sub(lv).sum().mul(0.5);
      return rec.add(kl).div(BATCH) as tf.Scalar;
    }, true) as tf.Scalar;
}

async function main(): Promise<void> {
  const compute = await initCompute();
  const { x, source } = fixedBatch();
  const model = createModel('vae', {}, { dataShape: [784], seed: 0 });
  const variants: Record<string, () => tf.Scalar> = {
    'tfjs-naive': plainTfjsStep(x, (a, b) => tf.matMul(a, b)),
    'custom-grad': plainTfjsStep(x, matMul),
    genlab: () => model.trainStep(x),
  };
  const rounds: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, step] of Object.entries(variants)) rounds[name].push(await medianStepMs(step, WARMUP, STEPS));
  }
  model.dispose();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const msPerStep = Object.fromEntries(Object.entries(rounds).map(([name, xs]) => [name, Number(median(xs).toFixed(1))]));
  console.log(JSON.stringify({ workload: 'vae-mlp', backend: compute.backend, detail: compute.detail, batch: BATCH, steps: STEPS, warmup: WARMUP, rounds, msPerStep, data: source }));
  for (const [name, ms] of Object.entries(msPerStep)) console.log(`${name.padEnd(12)} ${ms.toFixed(1).padStart(7)} ms/step  (rounds: ${rounds[name].map((r) => r.toFixed(1)).join(', ')})`);
}

void main();
