import { tf } from '@genlab/compute';
import { failedPrecondition } from '@genlab/errors';
import type { GenerativeModel } from '@genlab/models';
import type { LikelihoodData } from '../evaluate-likelihood';
import type { FeatureMatrix } from '../features/feature-matrix';
import { rowBatches } from '../classification/row-batches';
import { integerAtLeast } from '../validation';

/** What `latentMeans` needs from a model. */
export type EncoderModel = Pick<GenerativeModel, 'family' | 'capabilities' | 'dataShape' | 'latentDim' | 'encode'>;

export interface LatentMeansOptions {
  /** Examples per batch (default 256). */
  readonly batchSize?: number;
  /** After each batch: examples done of the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called between batches; throw (e.g. CANCELLED) to stop. */
  readonly throwIfCancelled?: () => void;
}

/**
 * The model's latent code of every example (`encode`: the posterior mean for a VAE), batch by
 * batch, as a `count × latentDim` feature matrix for the linear probe and the 2-D projections.
 * FAILED_PRECONDITION for a model without an encoder, naming what it has.
 */
export async function latentMeans(model: EncoderModel, data: LikelihoodData, options: LatentMeansOptions = {}): Promise<FeatureMatrix> {
  if (!model.capabilities.encode || typeof model.encode !== 'function') {
    const flags = Object.entries(model.capabilities)
      .filter(([, on]) => on)
      .map(([name]) => name);
    throw failedPrecondition(`this ${model.family} model has no encoder (capabilities: ${flags.join(', ') || 'none'}), so it has no latent means`);
  }
  const batchSize = integerAtLeast(options.batchSize ?? 256, 1, 'batchSize');
  const { count, batch } = rowBatches(data, model.dataShape);
  let values: Float32Array | undefined;
  let dim = 0;
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(start + batchSize, count);
    options.throwIfCancelled?.();
    const codes = tf.tidy(() => {
      const x = batch(start, end);
      return (model.encode as NonNullable<EncoderModel['encode']>).call(model, x);
    });
    const read = await codes.data<'float32'>();
    codes.dispose();
    if (!values) {
      dim = read.length / (end - start);
      values = new Float32Array(count * dim);
    }
    values.set(read, start * dim);
    options.onProgress?.(end, count);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { values: values as Float32Array, count, dim };
}
