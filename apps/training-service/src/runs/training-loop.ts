import { tf } from '@genlab/compute';
import { createEpochShuffler, gatherBatch, type TensorDataset } from '@genlab/data';
import type { GenerativeModel } from '@genlab/models';

export interface MetricSample {
  key: string;
  step: number;
  value: number;
}

export interface TrainingLoopOptions {
  model: GenerativeModel;
  /** Training examples, already prepared for the model (e.g. binarised). */
  data: TensorDataset;
  batchSize: number;
  totalSteps: number;
  seed: number;
  /** Record the loss as a metric point (and report progress) every this many steps. */
  logEvery: number;
  /** Save a checkpoint every this many steps, and at the end. */
  checkpointEvery: number;
  /** Usually returns at once (points are buffered); may wait when the buffer is full. */
  onMetrics(points: MetricSample[]): Promise<void> | void;
  onProgress(progress: { stepsDone: number; epoch: number; stepsPerSecond: number }): Promise<void>;
  onCheckpoint(step: number): Promise<void>;
  shouldStop(): boolean;
}

export type TrainingOutcome = { kind: 'completed'; steps: number } | { kind: 'stopped'; steps: number } | { kind: 'non-finite'; step: number; value: number };

/**
 * Minibatch training: seeded epoch shuffles, incomplete last batches dropped (as the
 * reference workloads do), and the event loop given a turn between steps so the service
 * keeps answering calls. Training resumes where the model's step count says: the data
 * order is a pure function of (seed, step), so a model restored from a checkpoint continues
 * exactly as the uninterrupted run would have.
 *
 * The loss is read back after every step, so a NaN or ±Infinity ends the run at the step it
 * appears, before anything could be saved from it. On the eager backends genlab trains on
 * (wasm, cpu, tfjs-node) the value is already computed when `trainStep` returns: the read
 * copies one float.
 */
export async function runTrainingLoop(options: TrainingLoopOptions): Promise<TrainingOutcome> {
  const { model, data, batchSize, totalSteps } = options;
  const shuffler = createEpochShuffler({ count: data.count, batchSize, seed: options.seed, dropLast: true });
  if (shuffler.batchesPerEpoch === 0) throw new Error(`${data.count} examples do not fill one batch of ${batchSize}`);
  const batchShape = [batchSize, ...data.shape];
  let step = model.stepCount;
  let lastCheckpoint = step;
  let windowStart = performance.now();
  let windowSteps = 0;

  for (let epoch = Math.floor(step / shuffler.batchesPerEpoch); step < totalSteps; epoch++) {
    let skip = step % shuffler.batchesPerEpoch;
    for (const indices of shuffler.batches(epoch)) {
      if (skip > 0) {
        skip--;
        continue;
      }
      if (step >= totalSteps) break;
      if (options.shouldStop()) {
        if (step > lastCheckpoint) await options.onCheckpoint(step);
        return { kind: 'stopped', steps: step };
      }
      const batch = gatherBatch(data, indices);
      const x = tf.tensor(batch.x, batchShape);
      const labels = model.capabilities.conditional && batch.labels ? tf.tensor1d(batch.labels, 'int32') : undefined;
      let loss: tf.Scalar;
      try {
        loss = model.trainStep(x, labels);
      } finally {
        tf.dispose([x, ...(labels ? [labels] : [])]);
      }
      step++;
      windowSteps++;
      const checkpointDue = step % options.checkpointEvery === 0 || step === totalSteps;
      let value: number;
      try {
        value = (await loss.data())[0] as number;
      } finally {
        loss.dispose();
      }
      if (!Number.isFinite(value)) return { kind: 'non-finite', step, value };

      if (step % options.logEvery === 0 || checkpointDue) {
        const now = performance.now();
        await options.onMetrics([{ key: 'train/loss', step, value }]);
        await options.onProgress({ stepsDone: step, epoch, stepsPerSecond: (windowSteps * 1000) / Math.max(1, now - windowStart) });
        windowStart = now;
        windowSteps = 0;
      }
      if (checkpointDue) {
        await options.onCheckpoint(step);
        lastCheckpoint = step;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return { kind: 'completed', steps: step };
}

/** Steps for `epochs` passes over `count` examples with full batches only. */
export function stepsFor(count: number, batchSize: number, epochs: number): number {
  return Math.floor(count / batchSize) * epochs;
}
