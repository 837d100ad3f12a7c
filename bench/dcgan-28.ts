/**
 * ms per training step of the WORKLOADS.md `dcgan-28` workload on the active backend: one
 * step = one discriminator update + one generator update (non-saturating BCE, Adam 2e-4,
 * β1 0.5), batch 64, one fixed batch (the first 64 MNIST test images, pixels / 255);
 * median of 20 steps after 3 warm-up steps, each step waiting for its loss value.
 *
 *   node libs/models/scripts/run-ts.mjs bench/dcgan-28.ts [--steps 20] [--warmup 3] [--quick] [--mnist <idx.gz>]
 *
 * `--quick`: 5 steps after 1 warm-up. Prints one workload figure (JSON); `npm run bench`
 * sets it beside the PyTorch reference's.
 */
import { existsSync } from 'node:fs';
import { initCompute, tf } from '@genlab/compute';
import { createModel } from '@genlab/models';
import { arg, QUICK } from './lib/bench-args';
import { MNIST_IMAGES, mnistPixels } from './lib/mnist';
import { medianStepMs } from './lib/step-timing';
import { genlabRuntime, printWorkloadFigure } from './lib/workload-figure';

const BATCH = 64;
const STEPS = Number(arg('steps', QUICK ? '5' : '20'));
const WARMUP = Number(arg('warmup', QUICK ? '1' : '3'));
const MNIST = arg('mnist', MNIST_IMAGES);

/** The first 64 MNIST test images in [0, 1] (uniform noise if the file is absent). */
function fixedBatch(): { x: tf.Tensor4D; source: string } {
  if (!existsSync(MNIST)) return { x: tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 0) as tf.Tensor4D, source: 'uniform noise' };
  const pixels = mnistPixels(MNIST).slice(0, BATCH * 784);
  return { x: tf.tensor4d(pixels, [BATCH, 28, 28, 1]), source: MNIST };
}

async function main(): Promise<void> {
  const compute = await initCompute({ logger: false });
  const { x, source } = fixedBatch();
  const model = createModel('dcgan', {}, { dataShape: [28, 28, 1], seed: 0 });
  const msPerStep = await medianStepMs(() => model.trainStep(x), WARMUP, STEPS);
  printWorkloadFigure({
    workload: 'dcgan-28',
    ...genlabRuntime(compute),
    msPerStep: Number(msPerStep.toFixed(1)),
    batch: BATCH,
    steps: STEPS,
    warmup: WARMUP,
    data: source,
  });
  model.dispose();
  x.dispose();
}

void main();
