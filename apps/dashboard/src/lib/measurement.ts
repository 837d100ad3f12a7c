import { decimalsFor } from './format';

/** A metric value as the evaluation service reports it. */
export interface Measurement {
  metric: string;
  value: number;
  /** nats, bits/dim, fraction, distance, mmd², score, "of 8", ... */
  unit: string;
  estimator: string;
  stdError?: number;
  sampleCount: number;
  realValue?: number;
  realStdError?: number;
  features: string;
}

const HIGHER_IS_BETTER = new Set([
  'inception_score',
  'precision',
  'recall',
  'density',
  'coverage',
  'high_quality',
  'modes',
  'accuracy',
  'probe_accuracy',
  'pca_variance_explained',
]);

/** Which way a metric improves: NLLs, distances and errors go down; scores and fractions of good things go up. */
export function betterDirection(metric: string): 'lower' | 'higher' {
  return HIGHER_IS_BETTER.has(metric) ? 'higher' : 'lower';
}

/** Likelihoods first (the most comparable across explicit families), then sample metrics, then the rest. */
const METRIC_ORDER = [
  'test_nll',
  'iwae',
  'neg_elbo',
  'parzen',
  'fid',
  'kid',
  'inception_score',
  'precision',
  'recall',
  'density',
  'coverage',
  'high_quality',
  'modes',
  'kl',
  'true_nll',
];

export function metricRank(metric: string): number {
  const i = METRIC_ORDER.indexOf(metric);
  return i < 0 ? METRIC_ORDER.length : i;
}

/** Units written after the number; the others (distance, score, mmd²) go in column headers. */
const INLINE_UNITS = new Set(['nats', 'bits/dim']);

function decimalsOf(value: number, stdError: number | undefined): number {
  if (stdError !== undefined && stdError > 0) return decimalsFor(stdError, value);
  const abs = Math.abs(value);
  if (abs === 0 || abs >= 0.1) return decimalsFor(undefined, value);
  // Small values without an error (KID is often ~1e-3): four significant digits.
  return Math.min(8, 3 - Math.floor(Math.log10(abs)));
}

/**
 * A value with its standard error and unit, rounded to the error's leading digit:
 * "98.1 ± 0.4 nats", "84.3 ± 1.2 %" (fractions), "7 of 8", "0.001234".
 */
export function formatMeasurement(value: number, unit: string, stdError?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const error = stdError !== undefined && Number.isFinite(stdError) && stdError > 0 ? stdError : undefined;
  if (unit === 'fraction') {
    const d = decimalsOf(value * 100, error === undefined ? undefined : error * 100);
    const pct = (value * 100).toFixed(Math.min(d, 2));
    return error === undefined ? `${pct} %` : `${pct} ± ${(error * 100).toFixed(Math.min(d, 2))} %`;
  }
  if (unit.startsWith('of ')) return `${Number(value.toFixed(2))} ${unit}`;
  const d = decimalsOf(value, error);
  const number = error === undefined ? value.toFixed(d) : `${value.toFixed(d)} ± ${error.toFixed(d)}`;
  return INLINE_UNITS.has(unit) ? `${number} ${unit}` : number;
}

/** What a column header says about a unit that is not written in the cells ('' when it is). */
export function headerUnit(unit: string): string {
  return INLINE_UNITS.has(unit) || unit === 'fraction' || unit.startsWith('of ') ? '' : unit;
}

const ESTIMATOR_NOTES: Record<string, string> = {
  exact: 'exact negative log-likelihood',
  elbo: 'negative ELBO: an upper bound on the NLL',
  parzen: 'Parzen-window estimate from samples: biased, unreliable in high dimensions',
  fid: 'Fréchet distance between Gaussians fitted to the features of samples and of test data',
  'knn-3': 'k-NN manifold estimate with k = 3 (Kynkäänniemi et al.)',
  'knn-5': 'k-NN estimate with k = 5 (Naeem et al.)',
  'veegan-3sigma': 'a sample is high quality within 3σ of its nearest mode (VEEGAN protocol)',
  'true-density': "mean NLL of the model's samples under the true data density",
};

/** What an estimator name means, for tooltips. */
export function estimatorNote(estimator: string): string | undefined {
  if (estimator.startsWith('iwae-')) return `negative IWAE bound with k=${estimator.slice(5)}: a tighter upper bound on the NLL`;
  if (estimator.startsWith('kid-')) return `unbiased MMD² (cubic kernel), mean ± std over ${estimator.slice(4).replace('x', ' subsets of ')}`;
  if (estimator.startsWith('is-')) return `Inception Score from the classifier, mean ± std over ${estimator.slice(3)} splits`;
  if (estimator.startsWith('monte-carlo-')) return `KL(true ‖ model) on ${estimator.slice(12)} fresh samples of the true density`;
  return ESTIMATOR_NOTES[estimator];
}
