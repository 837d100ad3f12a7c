import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { standardTrainingPlan } from './training-plan';

const invalid = (pattern: RegExp) => expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(pattern) });

describe('standardTrainingPlan', () => {
  it('lays out the vae-mlp run on MNIST-10k: 62 full batches an epoch, 20 epochs', () => {
    expect(standardTrainingPlan({ batchSize: 128, epochs: 20 }, 8000)).toEqual({
      batchSize: 128,
      stepsPerEpoch: 62, // 8000 / 128 = 62.5: the incomplete last batch is dropped
      totalSteps: 1240,
      logEvery: 4, // ~250 loss points
      checkpointEvery: 124, // 10 checkpoints
    });
  });

  it('stops at maxSteps when that comes first, logging every step and checkpointing once an epoch at most', () => {
    expect(standardTrainingPlan({ batchSize: 128, epochs: 20, maxSteps: 200 }, 8000)).toEqual({
      batchSize: 128,
      stepsPerEpoch: 62,
      totalSteps: 200,
      logEvery: 1,
      checkpointEvery: 62,
    });
    // maxSteps beyond the epochs changes nothing.
    expect(standardTrainingPlan({ batchSize: 128, epochs: 20, maxSteps: 1e6 }, 8000).totalSteps).toBe(1240);
  });

  it('keeps about 250 loss points and at most about 10 checkpoints on long runs', () => {
    const plan = standardTrainingPlan({ batchSize: 100, epochs: 1000 }, 10_000);
    expect(plan).toMatchObject({ stepsPerEpoch: 100, totalSteps: 100_000, logEvery: 400, checkpointEvery: 10_000 });
  });

  it('accepts a split of exactly one batch and rejects a smaller or empty one, naming batchSize and trainCount', () => {
    expect(standardTrainingPlan({ batchSize: 128, epochs: 3 }, 128)).toMatchObject({ stepsPerEpoch: 1, totalSteps: 3, checkpointEvery: 1 });
    expect(() => standardTrainingPlan({ batchSize: 128, epochs: 20 }, 100)).toThrow(invalid(/100 examples.*batchSize 128.*at most 100/));
    expect(() => standardTrainingPlan({ batchSize: 128, epochs: 20 }, 0)).toThrow(invalid(/training split is empty/));
    expect(() => standardTrainingPlan({ batchSize: 128, epochs: 20 }, 12.5)).toThrow(invalid(/trainCount/));
  });
});
