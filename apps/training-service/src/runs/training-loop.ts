import { channel } from 'node:diagnostics_channel';
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
  /**
   * Report progress at most once in this many milliseconds (default 0: at every logging
   * step). The first logging step, scheduled checkpoints, the last step and a logged step
   * the run stops after are always reported.
   */
  progressEveryMs?: number;
  /** Usually returns at once (points are buffered); may wait when the buffer is full. */
  onMetrics(points: MetricSample[]): Promise<void> | void;
  onProgress(progress: { stepsDone: number; epoch: number; stepsPerSecond: number }): Promise<void>;
  onCheckpoint(step: number): Promise<void>;
  shouldStop(): boolean;
}

/** What `trainingStepChannel` publishes for each step. */
export interface TrainingStepTiming {
  /** The step's number (1 for the first step of a run). */
  readonly step: number;
  /** Milliseconds from taking the batch to `trainStep` returning: the whole step where kernels run as they are called (wasm, cpu, tfjs-node on the CPU), their dispatch on a GPU. */
  readonly ms: number;
}

/**
 * Every training step's time (`TrainingStepTiming`), for profilers and the platform-overhead
 * bench, which tells a run's own steps from what the platform adds around them. Nothing is
 * timed unless someone subscribes (`diagnostics_channel.subscribe('genlab:training-step', …)`).
 */
export const trainingStepChannel = channel('genlab:training-step');

export type TrainingOutcome = { kind: 'completed'; steps: number } | { kind: 'stopped'; steps: number } | { kind: 'non-finite'; step: number; value: number };

/**
 * Minibatch training: seeded epoch shuffles, incomplete last batches dropped (as the
 * reference workloads do), and the event loop given a turn between steps so the service
 * keeps answering calls. Training resumes where the model's step count says: the data
 * order is a pure function of (seed, step), so a model restored from a checkpoint continues
 * exactly as the uninterrupted run would have.
 *
 * Every step's loss is read back, so a NaN or ±Infinity ends the run, but one step late: the
 * read of step k is awaited after step k + 1 has been issued, so on a GPU the device is never
 * idle waiting for the host to copy a loss back (on wasm and cpu the value is computed
 * already and the read copies one float). At a checkpoint, and before stopping, the loop
 * waits for the current step's loss first, so nothing is saved from a step whose loss was
 * not finite: a non-finite loss at step k ends the run before step k + 2, with the
 * checkpoints before k kept, and the outcome names step k.
 */
export async function runTrainingLoop(options: TrainingLoopOptions): Promise<TrainingOutcome> {
  const { model, data, batchSize, totalSteps } = options;
  const shuffler = createEpochShuffler({ count: data.count, batchSize, seed: options.seed, dropLast: true });
  if (shuffler.batchesPerEpoch === 0) throw new Error(`${data.count} examples do not fill one batch of ${batchSize}`);
  const batchShape = [batchSize, ...data.shape];
  let step = model.stepCount;
  const progressEveryMs = options.progressEveryMs ?? 0;
  /** The rate's window: since this time and this step (the last one reported). */
  let windowStart = performance.now();
  let windowFrom = step;
  let reported = false;
  /** The last issued step whose loss has not been checked yet. */
  let pending: { step: number; epoch: number; loss: tf.Scalar; read: Promise<tf.TypedArray> } | undefined;

  /**
   * Checks the pending step's loss and logs it; a non-finite outcome if it was not finite.
   * `stopping`: the run stops after this step, so a logged step's progress goes out unthrottled.
   */
  const settle = async (stopping = false): Promise<TrainingOutcome | undefined> => {
    if (!pending) return undefined;
    const { step: at, epoch, loss, read } = pending;
    pending = undefined;
    let value: number;
    try {
      value = (await read)[0] as number;
    } finally {
      loss.dispose();
    }
    if (!Number.isFinite(value)) return { kind: 'non-finite', step: at, value };
    const checkpoint = at % options.checkpointEvery === 0 || at === totalSteps;
    if (at % options.logEvery === 0 || checkpoint) {
      const now = performance.now();
      await options.onMetrics([{ key: 'train/loss', step: at, value }]);
      if (!reported || checkpoint || stopping || now - windowStart >= progressEveryMs) {
        await options.onProgress({ stepsDone: at, epoch, stepsPerSecond: ((at - windowFrom) * 1000) / Math.max(1, now - windowStart) });
        windowStart = now;
        windowFrom = at;
        reported = true;
      }
    }
    return undefined;
  };

  try {
    let lastCheckpoint = step;
    for (let epoch = Math.floor(step / shuffler.batchesPerEpoch); step < totalSteps; epoch++) {
      let skip = step % shuffler.batchesPerEpoch;
      for (const indices of shuffler.batches(epoch)) {
        if (skip > 0) {
          skip--;
          continue;
        }
        if (step >= totalSteps) break;
        if (options.shouldStop()) {
          const ended = await settle(true);
          if (ended) return ended;
          if (step > lastCheckpoint) await options.onCheckpoint(step);
          return { kind: 'stopped', steps: step };
        }
        const timed = trainingStepChannel.hasSubscribers;
        const stepStarted = timed ? performance.now() : 0;
        const batch = gatherBatch(data, indices);
        const x = tf.tensor(batch.x, batchShape);
        const labels = model.capabilities.conditional && batch.labels ? tf.tensor1d(batch.labels, 'int32') : undefined;
        let loss: tf.Scalar;
        try {
          loss = model.trainStep(x, labels);
        } catch (error) {
          // A step that follows a non-finite one may fail on its poisoned parameters: the
          // non-finite loss is the run's outcome then, not this error.
          const ended = await settle();
          if (ended) return ended;
          throw error;
        } finally {
          tf.dispose([x, ...(labels ? [labels] : [])]);
        }
        step++;
        if (timed) trainingStepChannel.publish({ step, ms: performance.now() - stepStarted } satisfies TrainingStepTiming);
        // The previous step's loss is checked now that this step is issued.
        const previous = await settle().catch((error: unknown) => {
          loss.dispose();
          throw error;
        });
        const read = loss.data();
        read.catch(() => undefined); // awaited by settle(); until then a rejection is not unhandled
        pending = { step, epoch, loss, read };
        if (previous) return previous;

        if (step % options.checkpointEvery === 0 || step === totalSteps) {
          const ended = await settle();
          if (ended) return ended;
          await options.onCheckpoint(step);
          lastCheckpoint = step;
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    const ended = await settle();
    return ended ?? { kind: 'completed', steps: step };
  } finally {
    if (pending) {
      await pending.read.catch(() => undefined);
      pending.loss.dispose();
    }
  }
}

/** Steps for `epochs` passes over `count` examples with full batches only. */
export function stepsFor(count: number, batchSize: number, epochs: number): number {
  return Math.floor(count / batchSize) * epochs;
}
