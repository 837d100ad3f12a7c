import { deriveSeed, assertSeed, tf } from '@genlab/compute';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import type { GenerativeModel } from '@genlab/models';
import { meanAndStdError } from './mean-std-error';
import { natsToBitsPerDim } from './units';

/** What `evaluateLikelihood` needs from a model: its capabilities and estimators. */
export type LikelihoodModel = Pick<GenerativeModel, 'capabilities' | 'dataShape' | 'logProb' | 'elbo' | 'iwaeBound' | 'family'>;

/**
 * A dataset as one tensor `[n, ...dataShape]`, or as rows in a Float32Array (a `TensorDataset`);
 * its `labels`, when present, go to conditional models (log p(x | y)).
 */
export type LikelihoodData =
  | tf.Tensor
  | { readonly shape: readonly number[]; readonly count: number; readonly x: Float32Array; readonly labels?: Int32Array };

export type EstimatorKind = 'exact' | 'elbo' | 'iwae';

export interface EvaluateLikelihoodOptions {
  /** Importance samples for the IWAE bound (default 100). */
  readonly k?: number;
  /** Examples per batch: bounds memory together with the model's own chunking (default 100). */
  readonly batchSize?: number;
  /** Seed of the estimators' noise (default 0): same seed, same estimates. */
  readonly seed?: number;
  /** Which estimators to run (default: every one the model supports). */
  readonly estimators?: readonly EstimatorKind[];
  /** After each batch: examples done of the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called between batches; throw (e.g. CANCELLED) to stop. */
  readonly throwIfCancelled?: () => void;
}

export interface LikelihoodEstimate {
  /** Always the negative log-likelihood per example; `estimator` says how it was estimated. */
  readonly metric: 'nll';
  /** `exact` (logProb), `elbo` (−ELBO, an upper bound) or `iwae-<k>` (−IWAE-k, a tighter upper bound). */
  readonly estimator: 'exact' | 'elbo' | `iwae-${number}`;
  /** Mean over examples, in nats. */
  readonly valueNats: number;
  readonly stdErrorNats: number;
  readonly bitsPerDim: number;
  readonly stdErrorBitsPerDim: number;
  /** Number of examples averaged. */
  readonly sampleCount: number;
}

const SUPPORT: Record<EstimatorKind, keyof LikelihoodModel['capabilities']> = { exact: 'logProb', elbo: 'elbo', iwae: 'iwae' };

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw invalidArgument(`${name}: must be a positive integer, got ${value}`);
  return value;
}

interface Batches {
  count: number;
  batch: (start: number, end: number) => tf.Tensor;
  labels?: (start: number, end: number) => tf.Tensor1D;
}

function batchesOf(data: LikelihoodData): Batches {
  if (data instanceof tf.Tensor) {
    return { count: data.shape[0] ?? 0, batch: (start, end) => tf.slice(data, start, end - start) };
  }
  const size = data.shape.reduce((a, d) => a * d, 1);
  if (data.x.length !== data.count * size) {
    throw invalidArgument(`data: x holds ${data.x.length} values, expected count × size = ${data.count} × ${size}`);
  }
  const { labels } = data;
  if (labels && labels.length !== data.count) throw invalidArgument(`data: ${labels.length} labels for ${data.count} examples`);
  return {
    count: data.count,
    batch: (start, end) => tf.tensor(data.x.subarray(start * size, end * size), [end - start, ...data.shape]),
    ...(labels ? { labels: (start: number, end: number) => tf.tensor1d(labels.subarray(start, end), 'int32') } : {}),
  };
}

/**
 * Per-example negative log-likelihood estimates over a dataset, batch by batch (one batch
 * tensor alive at a time; every tensor disposed; the event loop gets a turn between
 * batches). Returns one entry per estimator, in the order exact, elbo, iwae-k.
 */
export async function evaluateLikelihood(
  model: LikelihoodModel,
  data: LikelihoodData,
  options: EvaluateLikelihoodOptions = {},
): Promise<LikelihoodEstimate[]> {
  const k = positiveInteger(options.k ?? 100, 'k');
  const batchSize = positiveInteger(options.batchSize ?? 100, 'batchSize');
  const seed = options.seed ?? 0;
  assertSeed(seed);
  const supported = (['exact', 'elbo', 'iwae'] as const).filter((e) => model.capabilities[SUPPORT[e]]);
  const requested = options.estimators ?? supported;
  for (const estimator of requested) {
    if (!supported.includes(estimator)) throw failedPrecondition(`the model cannot compute the '${estimator}' estimator (supports: ${supported.join(', ') || 'none'})`);
  }
  if (requested.length === 0) throw failedPrecondition('the model has no likelihood estimator (exact, elbo or iwae)');

  const { count, batch, labels } = batchesOf(data);
  if (count < 1) throw invalidArgument('data: needs at least one example');
  if (model.capabilities.conditional && !labels) {
    throw failedPrecondition(`this ${model.family} is class-conditional: its likelihood is log p(x | y), so the data needs labels`);
  }
  const kinds = (['exact', 'elbo', 'iwae'] as const).filter((e) => requested.includes(e));
  const nll = new Map(kinds.map((kind) => [kind, new Float64Array(count)]));

  for (let start = 0, index = 0; start < count; start += batchSize, index += 1) {
    const end = Math.min(start + batchSize, count);
    options.throwIfCancelled?.();
    const x = batch(start, end);
    const y = model.capabilities.conditional ? labels?.(start, end) : undefined;
    try {
      for (const kind of kinds) {
        const bound = estimateLogLikelihood(model, kind, x, k, deriveSeed(seed, kind, index), y);
        const values = await bound.data();
        bound.dispose();
        const out = nll.get(kind) as Float64Array;
        for (let i = 0; i < values.length; i += 1) out[start + i] = -values[i];
      }
    } finally {
      x.dispose();
      y?.dispose();
    }
    options.onProgress?.(end, count);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  const dims = model.dataShape.reduce((a, d) => a * d, 1);
  return kinds.map((kind) => {
    const { mean, stdError, n } = meanAndStdError(nll.get(kind) as Float64Array);
    return {
      metric: 'nll',
      estimator: kind === 'iwae' ? `iwae-${k}` : kind,
      valueNats: mean,
      stdErrorNats: stdError,
      bitsPerDim: natsToBitsPerDim(mean, dims),
      stdErrorBitsPerDim: natsToBitsPerDim(stdError, dims),
      sampleCount: n,
    };
  });
}

/** One estimator's per-example log-likelihood (bound) of `x`, shape `[n]`; `labels` condition a conditional model. */
export function estimateLogLikelihood(
  model: Pick<LikelihoodModel, 'logProb' | 'elbo' | 'iwaeBound'>,
  kind: EstimatorKind,
  x: tf.Tensor,
  k: number,
  seed: number,
  labels?: tf.Tensor1D,
): tf.Tensor1D {
  const conditioning = labels ? { labels } : {};
  switch (kind) {
    case 'exact':
      return (model.logProb as NonNullable<LikelihoodModel['logProb']>).call(model, x, conditioning);
    case 'elbo':
      return (model.elbo as NonNullable<LikelihoodModel['elbo']>).call(model, x, { seed, ...conditioning });
    case 'iwae':
      return (model.iwaeBound as NonNullable<LikelihoodModel['iwaeBound']>).call(model, x, k, { seed, ...conditioning });
  }
}
