import { invalidArgument } from '@genlab/errors';

/** How a training run is laid out; computed before the run is queued and stored with it. */
export interface TrainingPlan {
  readonly batchSize: number;
  /** Full batches per pass over the training split (an incomplete last batch is dropped). */
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  /** Read the loss back (and record a metric point) every this many steps. */
  readonly logEvery: number;
  /** Save a checkpoint every this many steps (the service also saves one at the end). */
  readonly checkpointEvery: number;
}

/** The config fields the standard plan reads; every family's config has them. */
export interface TrainingSchedule {
  readonly batchSize: number;
  readonly epochs: number;
  readonly maxSteps?: number;
}

/** About this many loss points per run, however long. */
const LOSS_POINTS_PER_RUN = 250;
/** At most about this many checkpoints per run (besides the final one). */
const CHECKPOINTS_PER_RUN = 10;

/** INVALID_ARGUMENT naming batchSize and trainCount unless the split fills at least one batch. */
export function assertTrainSplitFillsBatch(batchSize: number, trainCount: number): void {
  if (!Number.isSafeInteger(trainCount) || trainCount < 0) {
    throw invalidArgument(`trainCount: must be a non-negative integer, got ${trainCount}`, { trainCount });
  }
  if (trainCount === 0) {
    throw invalidArgument('the training split is empty: use a dataset with a training split', { batchSize, trainCount });
  }
  if (trainCount < batchSize) {
    throw invalidArgument(
      `the training split has ${trainCount} examples, fewer than one batch (batchSize ${batchSize}): ` +
        `set batchSize to at most ${trainCount}, or use a larger training split`,
      { batchSize, trainCount },
    );
  }
}

/**
 * The plan every family uses unless it overrides `ModelFactory.trainingPlan`: full batches
 * only (like a PyTorch DataLoader with `drop_last`), `epochs` passes or `maxSteps` if fewer,
 * about 250 loss read-backs and at most about 10 checkpoints (never more often than once
 * an epoch). Throws INVALID_ARGUMENT if the split does not fill one batch.
 */
export function standardTrainingPlan({ batchSize, epochs, maxSteps }: TrainingSchedule, trainCount: number): TrainingPlan {
  assertTrainSplitFillsBatch(batchSize, trainCount);
  const stepsPerEpoch = Math.floor(trainCount / batchSize);
  const totalSteps = Math.min(maxSteps ?? Number.POSITIVE_INFINITY, epochs * stepsPerEpoch);
  return {
    batchSize,
    stepsPerEpoch,
    totalSteps,
    logEvery: Math.max(1, Math.floor(totalSteps / LOSS_POINTS_PER_RUN)),
    checkpointEvery: Math.max(stepsPerEpoch, Math.ceil(totalSteps / CHECKPOINTS_PER_RUN)),
  };
}
