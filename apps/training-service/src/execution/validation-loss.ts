import { tf } from '@genlab/compute';
import { exampleSize, sliceDataset, type TensorDataset } from '@genlab/data';
import { canComputeElbo, canComputeLogProb, loadModel, type GenerativeModel } from '@genlab/models';

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
