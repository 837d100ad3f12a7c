import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ring8 } from '@genlab/data';
import { createModel, type GenerativeModel } from '@genlab/models';
import { runTrainingLoop, stepsFor, type MetricSample, type TrainingLoopOptions } from './training-loop';

const data = ring8.sample(640, 1);

function smallModel(): GenerativeModel {
  return createModel('vae', { likelihood: 'gaussian', latentDim: 2, hiddenDims: [16] }, { dataShape: [2], seed: 3 });
}

function options(model: GenerativeModel, overrides: Partial<TrainingLoopOptions> = {}) {
  const metrics: MetricSample[] = [];
  const checkpoints: number[] = [];
  const progress: number[] = [];
  const loop: TrainingLoopOptions = {
    model,
    data,
    batchSize: 64,
    totalSteps: 25,
    seed: 9,
    logEvery: 5,
    checkpointEvery: 10,
    onMetrics: async (points) => void metrics.push(...points),
    onProgress: async (p) => void progress.push(p.stepsDone),
    onCheckpoint: async (step) => void checkpoints.push(step),
    shouldStop: () => false,
    ...overrides,
  };
  return { loop, metrics, checkpoints, progress };
}

describe('runTrainingLoop', () => {
  beforeAll(async () => {
    await initCompute({ backend: 'wasm', logger: false });
  });

  it('trains to the planned step, logging and checkpointing on schedule, without leaking tensors', async () => {
    const model = smallModel();
    const before = tf.memory().numTensors;
    const { loop, metrics, checkpoints, progress } = options(model);
    expect(await runTrainingLoop(loop)).toEqual({ kind: 'completed', steps: 25 });
    expect(metrics.map((m) => m.step)).toEqual([5, 10, 15, 20, 25]);
    expect(metrics.every((m) => m.key === 'train/loss' && Number.isFinite(m.value))).toBe(true);
    expect(progress).toEqual([5, 10, 15, 20, 25]);
    expect(checkpoints).toEqual([10, 20, 25]);
    expect(model.stepCount).toBe(25);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stops between steps when asked, checkpointing what it has', async () => {
    const model = smallModel();
    let steps = 0;
    const { loop, checkpoints } = options(model, {
      onProgress: async () => void (steps += 5),
      shouldStop: () => steps >= 5,
    });
    expect(await runTrainingLoop(loop)).toEqual({ kind: 'stopped', steps: 5 });
    expect(checkpoints).toEqual([5]);
    model.dispose();
  });

  it('counts only full batches per epoch', () => {
    expect(stepsFor(8000, 128, 20)).toBe(1240);
    expect(stepsFor(100, 128, 5)).toBe(0);
  });
});
