/**
 * ms per training step of the WORKLOADS.md `dcgan-28` workload on the active backend: one
 * step = one discriminator update + one generator update (non-saturating BCE, Adam 2e-4,
 * β1 0.5), batch 64, one fixed batch (the first 64 MNIST test images, pixels / 255);
 * median of 20 steps after 3 warm-up steps, each step waiting for its loss value.
 *
 *   node libs/models/scripts/run-ts.mjs bench/dcgan-28.ts [--steps 20] [--warmup 3] [--quick] [--mnist <idx.gz>] [--pytorch]
 *
 * `--quick`: 5 steps after 1 warm-up.
 *
 * `--pytorch` also runs ../shared/bench/reference_pytorch.py's dcgan-28 (1 thread) when
 * /usr/bin/python3 has torch, and prints both side by side (same machine, same moment).
 * Prints one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { initCompute, tf } from '@genlab/compute';
import { createModel } from '@genlab/models';
import { arg, QUICK } from './lib/bench-args';
import { MNIST_IMAGES, mnistPixels } from './lib/mnist';

const BATCH = 64;
const STEPS = Number(arg('steps', QUICK ? '5' : '20'));
const WARMUP = Number(arg('warmup', QUICK ? '1' : '3'));
/** WORKLOADS.md, PyTorch 1.13, 1 thread, this machine type. */
const REFERENCE_MS = 393.9;
const MNIST = arg('mnist', MNIST_IMAGES);
const REFERENCE = resolve('../shared/bench/reference_pytorch.py');

/** The first 64 MNIST test images in [0, 1] (uniform noise if the file is absent). */
function fixedBatch(): { x: tf.Tensor4D; source: string } {
  if (!existsSync(MNIST)) return { x: tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 0) as tf.Tensor4D, source: 'uniform noise' };
  const pixels = mnistPixels(MNIST).slice(0, BATCH * 784);
  return { x: tf.tensor4d(pixels, [BATCH, 28, 28, 1]), source: MNIST };
}

function pytorchReference(): Record<string, unknown> {
  try {
    const out = execFileSync('/usr/bin/python3', [REFERENCE, '--threads', '1', '--workloads', 'dcgan-28'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  } catch (error) {
    return { unavailable: (error as Error).message.split('\n')[0] };
  }
}

async function main(): Promise<void> {
  const compute = await initCompute({ logger: false });
  const { x, source } = fixedBatch();
  const model = createModel('dcgan', {}, { dataShape: [28, 28, 1], seed: 0 });
  const once = async () => {
    const loss = model.trainStep(x);
    await loss.data();
    loss.dispose();
  };
  for (let i = 0; i < WARMUP; i += 1) await once();
  const times: number[] = [];
  for (let i = 0; i < STEPS; i += 1) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const msPerStep = Number(times[Math.floor(times.length / 2)].toFixed(1));
  const result: Record<string, unknown> = {
    name: 'dcgan-28 ms/step',
    figure: msPerStep,
    unit: 'ms/step',
    backend: compute.backend,
    reference: `pytorch ${REFERENCE_MS} (WORKLOADS.md)`,
    workload: 'dcgan-28',
    impl: `genlab-tfjs-${compute.tfjsVersion}-${compute.backend}`,
    backendDetail: compute.detail,
    batch: BATCH,
    steps: STEPS,
    warmup: WARMUP,
    data: source,
  };
  model.dispose();
  x.dispose();
  if (process.argv.includes('--pytorch')) result.pytorch = pytorchReference();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
