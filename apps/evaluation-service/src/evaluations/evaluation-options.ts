import { invalidArgument } from '@genlab/errors';

/** How an evaluation was asked for; stored with it so a queued one can run after a restart. */
export interface EvaluationOptions {
  /** Importance samples of the IWAE bound. */
  readonly iwaeK: number;
  /** Evaluate likelihoods on the first N test examples; 0: all. */
  readonly maxExamples: number;
  /** Samples drawn for sample metrics and parzen; 0: the test split's size (at most 10,000). */
  readonly numSamples: number;
  readonly featureModelPath: string;
  readonly kidSubsets: number;
  readonly kidSubsetSize: number;
  readonly seed: number;
}

export const DEFAULT_NUM_SAMPLES_CAP = 10_000;
export const DEFAULT_KID_SUBSETS = 100;
export const DEFAULT_KID_SUBSET_SIZE = 1000;
/** The VEEGAN protocol's sample count for the mode metrics. */
export const MODE_METRIC_SAMPLES = 2500;
/** Fresh samples of the true density for KL(true ‖ model). */
export const KL_SAMPLES = 20_000;

export function toEvaluationOptions(stored: Readonly<Record<string, unknown>>): EvaluationOptions {
  const int = (key: keyof EvaluationOptions, fallback: number) => {
    const value = stored[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidArgument(`evaluation option ${key}: not a non-negative integer`);
    return value;
  };
  return {
    iwaeK: int('iwaeK', 100) || 100,
    maxExamples: int('maxExamples', 0),
    numSamples: int('numSamples', 0),
    featureModelPath: typeof stored.featureModelPath === 'string' ? stored.featureModelPath : '',
    kidSubsets: int('kidSubsets', 0) || DEFAULT_KID_SUBSETS,
    kidSubsetSize: int('kidSubsetSize', 0),
    seed: int('seed', 0),
  };
}
