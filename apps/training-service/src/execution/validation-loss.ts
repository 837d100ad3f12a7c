import { tf } from '@genlab/compute';
import { exampleSize, sliceDataset, type TensorDataset } from '@genlab/data';
import { canComputeElbo, canComputeLogProb, loadModel, loadParametersInto, type GenerativeModel } from '@genlab/models';

/** Held-out examples scored at every checkpoint: enough for a stable mean, cheap next to training. */
export const VALIDATION_EXAMPLES = 512;
/**
 * Examples per pass: small ones (up to 64 values each, 2-D points and the like) in a single
 * pass, where the cost is the kernels' calls rather than their arithmetic (ring8's 512 points:
 * 8.4–9.1 ms in four passes, 6.7 ms in one); larger ones 128 at a time, which bounds the
 * activations an image model holds (vae-mlp on MNIST: the same 33 ms either way).
 */
const passRows = (exampleValues: number) => (exampleValues <= 64 ? VALIDATION_EXAMPLES : 128);

/**
 * The validation loss a run keeps its best checkpoint by: the mean over (up to) the first
 * 512 examples of the dataset's test split of −log p(x) for families with an exact
 * likelihood, else −ELBO, in nats per example, with the estimator's noise fixed by `seed` so
 * the values of different checkpoints compare. Undefined for families with neither (GANs)
 * and for datasets without a test split. Reads the model only: training state, RNG
 * included, is untouched, so scoring a checkpoint never changes what the run trains next.
 */
export async function validationLoss(model: GenerativeModel, heldOut: TensorDataset, seed: number): Promise<number | undefined> {
  const estimate = estimator(model);
  if (!estimate || heldOut.count === 0) return undefined;
  const examples = scoredExamples(heldOut);
  const rows = passRows(exampleSize(examples.shape));
  let total = 0;
  for (let start = 0; start < examples.count; start += rows) {
    const part = sliceDataset(examples, start, Math.min(examples.count, start + rows));
    const sum = tf.tidy(() => {
      const x = tf.tensor(part.x, [part.count, ...part.shape]);
      const labels = model.capabilities.conditional && part.labels ? tf.tensor1d(part.labels, 'int32') : undefined;
      return estimate(x, { seed, labels }).sum();
    });
    try {
      total += (await sum.data())[0] as number;
    } finally {
      sum.dispose();
    }
  }
  return -total / examples.count;
}

/** `validationLoss` of the model a checkpoint's bytes hold, as a resumed run would load it (disposed after). */
export async function validationLossOfBytes(bytes: Uint8Array, heldOut: TensorDataset, seed: number): Promise<number | undefined> {
  const model = await loadModel(bytes);
  try {
    return await validationLoss(model, heldOut, seed);
  } finally {
    model.dispose();
  }
}

/**
 * `validationLossOfBytes` for a stream of checkpoints (the checkpoint thread's): the model of
 * each of the last `capacity` runs scored is kept, and a run's later checkpoints only give it
 * their parameters (`loadParametersInto`) instead of rebuilding it, optimiser state included,
 * from the bytes: the same losses, with a fraction of the memory copied and allocated at each
 * checkpoint (a vae-mlp checkpoint is 7.8 MB, a third of it parameters). A kept model holds its
 * optimiser's moments too, about three times its parameters, until its run is released.
 */
export class CheckpointScorer {
  /** By run, least recently scored first. */
  private readonly models = new Map<string, GenerativeModel>();

  constructor(private readonly capacity = 2) {}

  /** The validation loss of the checkpoint `bytes` of run `runId`. */
  async score(runId: string, bytes: Uint8Array, heldOut: TensorDataset, seed: number): Promise<number | undefined> {
    return validationLoss(await this.modelOf(runId, bytes), heldOut, seed);
  }

  /** Frees the model kept for `runId` (its run has ended here). */
  release(runId: string): void {
    this.models.get(runId)?.dispose();
    this.models.delete(runId);
  }

  /** Models kept (for tests). */
  get size(): number {
    return this.models.size;
  }

  private async modelOf(runId: string, bytes: Uint8Array): Promise<GenerativeModel> {
    const kept = this.models.get(runId);
    this.models.delete(runId);
    if (kept) {
      let reused = false;
      try {
        reused = loadParametersInto(kept, bytes);
      } finally {
        if (!reused) kept.dispose(); // unlike the bytes, or they were corrupt: it goes either way
      }
      if (reused) {
        this.models.set(runId, kept);
        return kept;
      }
    }
    const model = await loadModel(bytes);
    this.models.set(runId, model);
    for (const [oldest, stale] of this.models) {
      if (this.models.size <= this.capacity) break;
      stale.dispose();
      this.models.delete(oldest);
    }
    return model;
  }
}

/** The examples of `heldOut` that `validationLoss` scores: the first 512. */
export function scoredExamples(heldOut: TensorDataset): TensorDataset {
  return heldOut.count <= VALIDATION_EXAMPLES ? heldOut : sliceDataset(heldOut, 0, VALIDATION_EXAMPLES);
}

/** Whether the model's family has a validation loss (an exact likelihood or an ELBO). */
export const hasValidationLoss = (model: GenerativeModel): boolean => estimator(model) !== undefined;

type Estimator = (x: tf.Tensor, options: { seed: number; labels?: tf.Tensor1D }) => tf.Tensor1D;

function estimator(model: GenerativeModel): Estimator | undefined {
  if (canComputeLogProb(model)) return (x, options) => model.logProb(x, options);
  if (canComputeElbo(model)) return (x, options) => model.elbo(x, options);
  return undefined;
}
