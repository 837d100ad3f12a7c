/**
 * Where a training step's time goes, per workload (vae-mlp, realnvp-ring8, dcgan-28): the
 * median wall time of a step (waiting for its loss), the part spent in the optimiser's
 * `apply` (timed around it), and, from `tf.profile` over the same steps, each kernel's total
 * time and count per step. Wall time minus the sum of kernel times is per-op overhead (tape,
 * tidy, tensor bookkeeping, dispatch). Not a workload figure: a diagnostic for PERFORMANCE.md.
 *
 *   node libs/models/scripts/run-ts.mjs bench/profile/profile-steps.ts [--steps 20] [--only vae-mlp,dcgan-28]
 *
 * Before the profile, the step is timed with and without genlab's fused Adam kernel
 * (`GenlabAdamUpdate` unregistered: Adam falls back to tensor ops), taking turns for
 * `--rounds` rounds, so the before/after figures come from one run.
 *
 * Lives in bench/profile/ so that `npm run bench` (top-level entries only) does not run it.
 *
 * Prints one JSON line per workload (`kind: 'profile'`) and a readable table.
 */
import { ADAM_UPDATE_KERNEL, initCompute, tf } from '@genlab/compute';
import { deriveSeed, ring8 } from '@genlab/data';
import { createModel, type GenerativeModel } from '@genlab/models';
import { Adam } from '../../libs/models/src/optim/adam';
import { arg, QUICK } from '../lib/bench-args';

const STEPS = Number(arg('steps', QUICK ? '8' : '20'));
const ONLY = arg('only', 'vae-mlp,realnvp-ring8,dcgan-28').split(',');
const ROUNDS = Number(arg('rounds', QUICK ? '1' : '3'));

interface Workload {
  readonly model: GenerativeModel;
  readonly step: (i: number) => tf.Scalar;
}

function workload(name: string): Workload {
  switch (name) {
    case 'vae-mlp': {
      const model = createModel('vae', {}, { dataShape: [784], seed: 0 });
      const x = tf.randomUniform([128, 784], 0, 1, 'float32', 0).greater(0.5).toFloat();
      return { model, step: () => model.trainStep(x) };
    }
    case 'realnvp-ring8': {
      const model = createModel('realnvp', {}, { dataShape: [2], seed: 0 });
      return {
        model,
        step: (i) => {
          const x = tf.tensor2d(ring8.sample(512, deriveSeed(0, 1, i)).x, [512, 2]);
          const loss = model.trainStep(x);
          x.dispose();
          return loss;
        },
      };
    }
    case 'dcgan-28': {
      const model = createModel('dcgan', {}, { dataShape: [28, 28, 1], seed: 0 });
      const x = tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 0);
      return { model, step: () => model.trainStep(x) };
    }
    default:
      throw new Error(`unknown workload ${name}`);
  }
}

/** Times every `Adam.apply` while `f` runs (the wasm backend is synchronous: wall time is compute). */
async function withAdamTimer<T>(f: (adamMs: () => number) => Promise<T>): Promise<T> {
  const original = Adam.prototype.apply;
  let total = 0;
  Adam.prototype.apply = function (this: Adam, grads) {
    const t = performance.now();
    original.call(this, grads);
    total += performance.now() - t;
  };
  try {
    return await f(() => total);
  } finally {
    Adam.prototype.apply = original;
  }
}

/** Runs `f` with the fused Adam kernel unregistered (Adam then composes tensor ops). */
async function withoutFusedAdam<T>(f: () => Promise<T>): Promise<T> {
  const kernel = tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend());
  if (kernel) tf.unregisterKernel(ADAM_UPDATE_KERNEL, tf.getBackend());
  try {
    return await f();
  } finally {
    if (kernel) tf.registerKernel(kernel);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round = (x: number) => Number(x.toFixed(2));

async function profile(name: string) {
  const { model, step } = workload(name);
  let i = 0;
  const once = async () => {
    const loss = step(i++);
    await loss.data();
    loss.dispose();
  };
  for (let w = 0; w < 3; w += 1) await once();
  const timeSteps = async () => {
    const times: number[] = [];
    for (let s = 0; s < STEPS; s += 1) {
      const t = performance.now();
      await once();
      times.push(performance.now() - t);
    }
    return median(times);
  };
  const [composedAdam, fusedAdam]: number[][] = [[], []];
  for (let r = 0; r < ROUNDS; r += 1) {
    composedAdam.push(await withoutFusedAdam(timeSteps));
    fusedAdam.push(await timeSteps());
  }
  const { wall, adam } = await withAdamTimer(async (adamMs) => {
    const wall: number[] = [];
    const adam: number[] = [];
    for (let s = 0; s < STEPS; s += 1) {
      const [t, a] = [performance.now(), adamMs()];
      await once();
      wall.push(performance.now() - t);
      adam.push(adamMs() - a);
    }
    return { wall, adam };
  });
  const kernels = new Map<string, { ms: number; count: number }>();
  let profiledMs = 0;
  const info = await tf.profile(async () => {
    const t = performance.now();
    for (let s = 0; s < STEPS; s += 1) await once();
    profiledMs = (performance.now() - t) / STEPS;
  });
  // Scopes (customGrad's forward, ...) are listed too and include the kernels they ran: skip them.
  for (const k of info.kernels.filter((k) => tf.getKernel(k.name, tf.getBackend()) !== undefined)) {
    const entry = kernels.get(k.name) ?? { ms: 0, count: 0 };
    entry.ms += k.kernelTimeMs as number;
    entry.count += 1;
    kernels.set(k.name, entry);
  }
  model.dispose();
  const perStep = [...kernels].map(([kernel, { ms, count }]) => ({ kernel, ms: round(ms / STEPS), count: count / STEPS })).sort((a, b) => b.ms - a.ms);
  const kernelMs = perStep.reduce((s, k) => s + k.ms, 0);
  const msPerStep = median(wall);
  return {
    kind: 'profile',
    workload: name,
    steps: STEPS,
    msPerStep: round(msPerStep),
    msPerStepComposedAdam: round(median(composedAdam)),
    msPerStepFusedAdam: round(median(fusedAdam)),
    adamMs: round(median(adam)),
    profiledMsPerStep: round(profiledMs),
    kernelMsPerStep: round(kernelMs),
    kernelsPerStep: perStep.reduce((s, k) => s + k.count, 0),
    overheadMs: round(profiledMs - kernelMs),
    kernels: perStep,
  };
}

async function main(): Promise<void> {
  const compute = await initCompute({ logger: false });
  for (const name of ONLY) {
    const result = await profile(name);
    console.log(JSON.stringify({ ...result, backend: compute.backend, detail: compute.detail }));
    console.log(
      `${name}: ${result.msPerStep} ms/step (Adam as tensor ops ${result.msPerStepComposedAdam}, fused ${result.msPerStepFusedAdam}), of which Adam ${result.adamMs} ms; ` +
        `profiled: ${result.profiledMsPerStep} ms/step, kernels ${result.kernelMsPerStep} ms in ${result.kernelsPerStep} kernels, overhead ${result.overheadMs} ms`,
    );
    for (const k of result.kernels.slice(0, 14)) console.log(`  ${k.kernel.padEnd(24)} ${k.ms.toFixed(2).padStart(8)} ms  ×${k.count}`);
  }
}

void main();
