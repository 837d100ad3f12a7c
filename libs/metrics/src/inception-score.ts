import { invalidArgument } from '@genlab/errors';
import { assertFeatureMatrix, type FeatureMatrix } from './features/feature-matrix';
import { integerAtLeast } from './validation';

export interface InceptionScoreOptions {
  /** Number of splits the score is computed on (default 10). */
  readonly splits?: number;
}

export interface InceptionScore {
  /** Mean over splits of exp(E_x KL(p(y|x) ‖ p(y))). 1 ≤ IS ≤ number of classes. */
  readonly mean: number;
  /** Standard deviation over splits (population form, 1/splits, as the original code reports it). */
  readonly std: number;
  readonly splits: number;
}

/** Rows must sum to 1 within this (softmax outputs in float32 do, to ~1e-6). */
const SUM_TOLERANCE = 1e-3;

/**
 * Inception Score (Salimans et al. 2016) from class probabilities: `probabilities` holds one
 * row p(y|x) per sample (n × C, e.g. a classifier's softmax outputs). The rows are cut into
 * `splits` contiguous parts (boundaries ⌊s·n/splits⌋, so every row is used); on each part,
 * p(y) is the mean of its rows and the score is exp((1/|part|) Σ_x KL(p(y|x) ‖ p(y))), with
 * 0 · log 0 = 0. Computed in float64. INVALID_ARGUMENT for negative entries, rows that do not
 * sum to 1 (±1e-3) or more splits than rows.
 */
export function inceptionScore(probabilities: FeatureMatrix, options: InceptionScoreOptions = {}): InceptionScore {
  assertFeatureMatrix(probabilities, 'probabilities');
  const { values, count: n, dim: classes } = probabilities;
  const splits = integerAtLeast(options.splits ?? 10, 1, 'splits');
  if (splits > n) throw invalidArgument(`splits: ${splits} splits need at least ${splits} rows, got ${n}`);
  for (let i = 0; i < n; i += 1) {
    let sum = 0;
    for (let c = 0; c < classes; c += 1) {
      const p = values[i * classes + c];
      if (p < 0) throw invalidArgument(`probabilities: row ${i} has a negative entry ${p}`);
      sum += p;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) throw invalidArgument(`probabilities: row ${i} sums to ${sum}, not 1`);
  }

  const scores = new Float64Array(splits);
  const marginal = new Float64Array(classes);
  for (let s = 0; s < splits; s += 1) {
    const start = Math.floor((s * n) / splits);
    const end = Math.floor(((s + 1) * n) / splits);
    marginal.fill(0);
    for (let i = start; i < end; i += 1) {
      for (let c = 0; c < classes; c += 1) marginal[c] += values[i * classes + c];
    }
    for (let c = 0; c < classes; c += 1) marginal[c] /= end - start;
    let kl = 0;
    for (let i = start; i < end; i += 1) {
      for (let c = 0; c < classes; c += 1) {
        const p = values[i * classes + c];
        if (p > 0) kl += p * Math.log(p / marginal[c]);
      }
    }
    scores[s] = Math.exp(kl / (end - start));
  }
  let mean = 0;
  for (const score of scores) mean += score / splits;
  let variance = 0;
  for (const score of scores) variance += (score - mean) ** 2 / splits;
  return { mean, std: Math.sqrt(variance), splits };
}
