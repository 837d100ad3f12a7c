/**
 * The `realnvp-ring8` workload of WORKLOADS.md: the default 2-D RealNVP (8 affine couplings
 * alternating the transformed coordinate, conditioners 1-64-64-2 ReLU, scale exp(tanh s),
 * standard normal base, Adam 1e-3) trained for 3,000 steps of 512 fresh ring8 points, then
 * KL(true ‖ model) = E_true[log p − log q] on 20,000 fresh points, with ring8's exact
 * log-density. Also ms/step: median of 50 steps after 5 warm-up steps on one fixed batch,
 * each waiting for its loss. Reference: KL 1.46 nats.
 *
 *   node libs/models/scripts/run-ts.mjs bench/realnvp-ring8.ts [--steps 3000] [--seed 0]
 */
import { initCompute, tf } from '@genlab/compute';
import { ring8 } from '@genlab/data';
import { canComputeLogProb, createModel } from '@genlab/models';
import { arg } from './lib/bench-args';

const STEPS = Number(arg('steps', '3000'));
const SEED = Number(arg('seed', '0'));
const BATCH = 512;
const TEST = 20_000;
const REFERENCE_KL = 1.46;

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

const points = (count: number, seed: number) => tf.tensor2d(ring8.sample(count, seed).x, [count, 2]);

async function main(): Promise<void> {
  const compute = await initCompute();
  const timed = createModel('realnvp', {}, { dataShape: [2], seed: 0 });
  const fixed = points(BATCH, 0);
  const msPerStep = await medianStepMs(() => timed.trainStep(fixed));
  timed.dispose();
  fixed.dispose();

  const model = createModel('realnvp', {}, { dataShape: [2], seed: SEED });
  const started = performance.now();
  for (let step = 0; step < STEPS; step += 1) {
    const x = points(BATCH, SEED * 1_000_000 + 1 + step); // fresh points every step, as the reference
    const loss = model.trainStep(x);
    x.dispose();
    if ((step + 1) % 500 === 0) console.error(`step ${step + 1}: loss ${(await loss.data())[0].toFixed(3)}`);
    loss.dispose();
  }
  const trainSeconds = (performance.now() - started) / 1000;

  if (!canComputeLogProb(model)) throw new Error('realnvp should compute logProb');
  const test = ring8.sample(TEST, 1_000_003);
  const x = tf.tensor2d(test.x, [TEST, 2]);
  const logQ = model.logProb(x);
  const q = await logQ.data();
  tf.dispose([x, logQ]);
  const logP = ring8.logDensity(test.x);
  let kl = 0;
  let nll = 0;
  for (let i = 0; i < TEST; i += 1) {
    kl += (logP[i] - q[i]) / TEST;
    nll -= q[i] / TEST;
  }
  console.log(
    JSON.stringify({
      workload: 'realnvp-ring8',
      seed: SEED,
      backend: compute.backend,
      steps: model.stepCount,
      msPerStep: Number(msPerStep.toFixed(1)),
      trainSeconds: Number(trainSeconds.toFixed(1)),
      testNllNats: Number(nll.toFixed(3)),
      klTrueToModelNats: Number(kl.toFixed(3)),
      referenceKlNats: REFERENCE_KL,
    }),
  );
  model.dispose();
}

void main();
