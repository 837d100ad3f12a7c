import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { createRng, ring8, type TensorDataset } from '@genlab/data';
import { createModel, loadModel, prepareDataset, type GenerativeModel } from '@genlab/models';
import { runTrainingLoop, stepsFor, type MetricSample, type TrainingLoopOptions, type TrainingStepTiming } from './training-loop';

const data = ring8.sample(640, 1);

function smallModel(): GenerativeModel {
  return createModel('vae', { likelihood: 'gaussian', latentDim: 2, hiddenDims: [16] }, { dataShape: [2], seed: 3 });
}

function options(model: GenerativeModel, overrides: Partial<TrainingLoopOptions> = {}) {
  const metrics: MetricSample[] = [];
  const checkpoints: number[] = [];
  const progress: number[] = [];
  const rates: number[] = [];
  const loop: TrainingLoopOptions = {
    model,
    data,
    batchSize: 64,
    totalSteps: 25,
    seed: 9,
    logEvery: 5,
    checkpointEvery: 10,
    onMetrics: async (points) => void metrics.push(...points),
    onProgress: async (p) => void (progress.push(p.stepsDone), rates.push(p.stepsPerSecond)),
    onCheckpoint: async (step) => void checkpoints.push(step),
    shouldStop: () => false,
    ...overrides,
  };
  return { loop, metrics, checkpoints, progress, rates };
}

/** Random bits, shape [16], for MADE. */
function binaryData(count: number, seed: number): TensorDataset {
  const rng = createRng(seed);
  return { shape: [16], count, x: Float32Array.from({ length: count * 16 }, () => (rng.nextInt(2) === 1 ? 1 : 0)) };
}

interface ResumeCase {
  family: string;
  config: Record<string, unknown>;
  data: TensorDataset;
  batchSize: number;
}

const RESUME_CASES: ResumeCase[] = [
  { family: 'vae', config: { likelihood: 'gaussian', latentDim: 2, hiddenDims: [16] }, data, batchSize: 64 },
  { family: 'made', config: { hiddenDims: [32], ordering: 'random', numMasks: 2 }, data: binaryData(256, 4), batchSize: 32 },
  { family: 'wgan-gp', config: { architecture: 'mlp', latentDim: 4, hiddenDims: [16], nCritic: 2 }, data, batchSize: 64 },
];

/**
 * The loss of every step from `model.stepCount` to `totalSteps`, stopping (with a
 * checkpoint, as a service stopping or a worker draining does) once `stopAt` is reached;
 * returns the losses and the bytes saved at the last checkpoint.
 */
async function train(model: GenerativeModel, c: ResumeCase, totalSteps: number, stopAt = totalSteps) {
  const losses: number[] = [];
  let saved: Uint8Array | undefined;
  const outcome = await runTrainingLoop({
    model,
    data: prepareDataset(c.family, c.config, c.data),
    batchSize: c.batchSize,
    totalSteps,
    seed: 21,
    logEvery: 1,
    checkpointEvery: 1_000,
    onMetrics: (points) => void losses.push(...points.map((p) => p.value)),
    onProgress: async () => undefined,
    onCheckpoint: async () => void (saved = await model.save()),
    shouldStop: () => model.stepCount >= stopAt,
  });
  return { losses, saved: saved!, outcome };
}

describe('runTrainingLoop', () => {
  beforeAll(async () => {
    await initCompute({ backend: 'wasm', logger: false });
  });

  it('trains to the planned step, logging and checkpointing on schedule, without leaking tensors', async () => {
    const model = smallModel();
    const before = tf.memory().numTensors;
    const { loop, metrics, checkpoints, progress, rates } = options(model, { logEvery: 1 });
    expect(await runTrainingLoop(loop)).toEqual({ kind: 'completed', steps: 25 });
    const everyStep = Array.from({ length: 25 }, (_, i) => i + 1);
    expect(metrics.map((m) => m.step)).toEqual(everyStep);
    expect(metrics.every((m) => m.key === 'train/loss' && Number.isFinite(m.value))).toBe(true);
    expect(progress).toEqual(everyStep);
    // Each report's rate covers the steps since the one before, checkpoint steps included.
    expect(rates.every((r) => r > 0)).toBe(true);
    expect(checkpoints).toEqual([10, 20, 25]);
    expect(model.stepCount).toBe(25);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("publishes each step's time on the 'genlab:training-step' channel to its subscribers, resumed steps numbered on", async () => {
    const model = smallModel();
    const timings: TrainingStepTiming[] = [];
    const listen = (message: unknown) => void timings.push(message as TrainingStepTiming);
    subscribe('genlab:training-step', listen);
    try {
      await runTrainingLoop(options(model, { totalSteps: 12 }).loop);
      await runTrainingLoop(options(model, { totalSteps: 15 }).loop);
    } finally {
      unsubscribe('genlab:training-step', listen);
    }
    await runTrainingLoop(options(model, { totalSteps: 18 }).loop); // nobody listening: nothing timed
    expect(timings.map((t) => t.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(timings.every((t) => Number.isFinite(t.ms) && t.ms > 0)).toBe(true);
    model.dispose();
  });

  it('reports progress at most once per progressEveryMs, but always at the first logged step, checkpoints and the end', async () => {
    const model = smallModel();
    const { loop, metrics, progress, rates } = options(model, { logEvery: 1, progressEveryMs: 60_000 });
    const reportedAt: number[] = [];
    const report = loop.onProgress;
    loop.onProgress = (p) => (reportedAt.push(performance.now()), report(p));
    await runTrainingLoop(loop);
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1)); // every point is still logged
    expect(progress).toEqual([1, 10, 20, 25]);
    // The rate of a report covers every step since the one before (9, 10 and 5 of them), not the last logging interval.
    for (let i = 1; i < progress.length; i++) {
      const measured = ((progress[i]! - progress[i - 1]!) * 1000) / (reportedAt[i]! - reportedAt[i - 1]!);
      expect(rates[i]! / measured).toBeGreaterThan(0.5);
      expect(rates[i]! / measured).toBeLessThan(2);
    }
    model.dispose();

    // A short interval lets every logged step through once that much time has passed.
    const again = smallModel();
    const paced = options(again, { logEvery: 1, progressEveryMs: 1 });
    const originalStep = again.trainStep.bind(again);
    again.trainStep = (x, labels) => {
      const end = performance.now() + 2;
      while (performance.now() < end); // each step takes longer than the interval
      return originalStep(x, labels);
    };
    await runTrainingLoop(paced.loop);
    expect(paced.progress).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    again.dispose();
  });

  it('stops between steps when asked, checkpointing what it has', async () => {
    const model = smallModel();
    const before = tf.memory().numTensors;
    const { loop, checkpoints, progress } = options(model, { shouldStop: () => model.stepCount >= 5 });
    expect(await runTrainingLoop(loop)).toEqual({ kind: 'stopped', steps: 5 });
    // The last step's loss, still unchecked when the stop came, is checked and logged first.
    expect(progress).toEqual([5]);
    expect(checkpoints).toEqual([5]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('counts only full batches per epoch', () => {
    expect(stepsFor(8000, 128, 20)).toBe(1240);
    expect(stepsFor(100, 128, 5)).toBe(0);
  });

  describe.each(RESUME_CASES)('resuming $family from a checkpoint', (c) => {
    // 30 steps cross epoch boundaries (10 batches per epoch for vae and wgan-gp, 8 for made).
    const TOTAL = 30;
    const STOP = 13;

    it('gives the loss sequence of the uninterrupted run, bit for bit', async () => {
      const create = () => createModel(c.family, c.config, { dataShape: c.data.shape, seed: 5 });
      const straightModel = create();
      const straight = await train(straightModel, c, TOTAL);
      straightModel.dispose();

      const first = create();
      const before = await train(first, c, TOTAL, STOP);
      first.dispose();
      expect(before.outcome).toEqual({ kind: 'stopped', steps: STOP });
      const resumed = await loadModel(before.saved); // a new model from the checkpoint's bytes alone
      expect(resumed.stepCount).toBe(STOP);
      const after = await train(resumed, c, TOTAL);
      resumed.dispose();

      expect(straight.losses).toHaveLength(TOTAL);
      expect(straight.losses.every(Number.isFinite)).toBe(true);
      expect([...before.losses, ...after.losses]).toEqual(straight.losses);
    });
  });

  it('ends at the step whose loss is not finite (checked once the next step is issued), before logging or checkpointing it', async () => {
    const model = smallModel();
    const poisoned: GenerativeModel = Object.create(model, {
      trainStep: { value: (x: tf.Tensor) => (model.stepCount === 11 ? tf.tidy(() => model.trainStep(x).mul(Number.NaN)) : model.trainStep(x)) },
    });
    const { loop, metrics, checkpoints } = options(poisoned, { logEvery: 1 });
    const before = tf.memory().numTensors;
    const outcome = await runTrainingLoop(loop);
    expect(outcome).toMatchObject({ kind: 'non-finite', step: 12 });
    expect(Number.isNaN((outcome as { value: number }).value)).toBe(true);
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(checkpoints).toEqual([10]);
    expect(model.stepCount).toBe(13); // one step past the bad one, no more
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('names the non-finite loss, not the error, when the step after it fails on the poisoned parameters', async () => {
    const model = smallModel();
    const poisoned: GenerativeModel = Object.create(model, {
      trainStep: {
        value: (x: tf.Tensor) => {
          if (model.stepCount === 11) return tf.tidy(() => model.trainStep(x).mul(Number.NaN));
          if (model.stepCount === 12) throw new Error('a step on NaN parameters');
          return model.trainStep(x);
        },
      },
    });
    const { loop } = options(poisoned, { logEvery: 1 });
    const before = tf.memory().numTensors;
    expect(await runTrainingLoop(loop)).toMatchObject({ kind: 'non-finite', step: 12 });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
