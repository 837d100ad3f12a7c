/**
 * The `realnvp-ring8` workload of WORKLOADS.md, run as ../shared/bench/reference_pytorch.py
 * runs it: the default 2-D RealNVP (8 affine couplings alternating the transformed
 * coordinate, conditioners 1-64-64-2 ReLU, scale exp(tanh s), standard normal base, Adam
 * 1e-3), every step on 512 fresh ring8 points. Timing first, on the model that is then
 * trained (as the reference does): 5 warm-up + 50 timed steps, each drawing its points and
 * waiting for its loss, ms/step = their median. Then 3,000 more steps, and
 * KL(true ‖ model) = E_true[log p − log q] on 20,000 fresh points with ring8's exact
 * log-density (Monte Carlo; its standard error is printed too).
 *
 *   node libs/models/scripts/run-ts.mjs bench/realnvp-ring8.ts [--steps 3000] [--seed 0] [--quick]
 *
 * `--quick`: 200 steps (the reference's --quick). The KL varies a lot with the seed, in
 * PyTorch too (README, model table): compare several seeds, not one.
 * Prints one workload figure (JSON).
 */
import { initCompute, tf } from '@genlab/compute';
import { deriveSeed, ring8 } from '@genlab/data';
import { canComputeLogProb, createModel } from '@genlab/models';
import { arg, QUICK } from './lib/bench-args';
import { medianStepMs } from './lib/step-timing';
import { genlabRuntime, printWorkloadFigure } from './lib/workload-figure';

const STEPS = Number(arg('steps', QUICK ? '200' : '3000'));
const SEED = Number(arg('seed', '0'));
const BATCH = 512;
const TEST = 20_000;

/** Fresh points for training step `i` (0-based, timed steps included) of this seed's run. */
const points = (count: number, seed: number) => tf.tensor2d(ring8.sample(count, seed).x, [count, 2]);

async function main(): Promise<void> {
  const compute = await initCompute();
  const model = createModel('realnvp', {}, { dataShape: [2], seed: SEED });
  const step = (i: number): tf.Scalar => {
    const x = points(BATCH, deriveSeed(SEED, 1, i));
    const loss = model.trainStep(x);
    x.dispose();
    return loss;
  };
  const msPerStep = await medianStepMs(step);
  const timedSteps = model.stepCount;

  const started = performance.now();
  for (let i = 0; i < STEPS; i += 1) {
    const loss = step(timedSteps + i);
    if ((i + 1) % 500 === 0) console.error(`step ${i + 1}: loss ${(await loss.data())[0].toFixed(3)}`);
    loss.dispose();
  }
  const trainSeconds = (performance.now() - started) / 1000;

  if (!canComputeLogProb(model)) throw new Error('realnvp should compute logProb');
  const test = ring8.sample(TEST, deriveSeed(SEED, 2));
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
  let variance = 0;
  for (let i = 0; i < TEST; i += 1) variance += (logP[i] - q[i] - kl) ** 2 / (TEST - 1);
  printWorkloadFigure({
    workload: 'realnvp-ring8',
    ...genlabRuntime(compute),
    seed: SEED,
    msPerStep: Number(msPerStep.toFixed(1)),
    quality: { metric: 'KL(true‖model)', estimator: `monte-carlo-${TEST}`, value: Number(kl.toFixed(3)), unit: 'nats', stdError: Number(Math.sqrt(variance / TEST).toFixed(3)) },
    testNllNats: Number(nll.toFixed(3)),
    steps: model.stepCount,
    timedSteps,
    trainSeconds: Number(trainSeconds.toFixed(1)),
  });
  model.dispose();
}

void main();
