import { invalidArgument } from '@genlab/errors';

export interface MeanAndStdError {
  readonly mean: number;
  /** Sample standard deviation (n − 1 denominator); NaN when n = 1. */
  readonly std: number;
  /** std / √n: the standard error of the mean; NaN when n = 1. */
  readonly stdError: number;
  readonly n: number;
}

/** Mean and its standard error, computed in two passes in float64. */
export function meanAndStdError(values: Float64Array | Float32Array | readonly number[]): MeanAndStdError {
  const n = values.length;
  if (n === 0) throw invalidArgument('meanAndStdError: needs at least one value');
  let sum = 0;
  for (let i = 0; i < n; i += 1) sum += values[i];
  const mean = sum / n;
  if (n === 1) return { mean, std: Number.NaN, stdError: Number.NaN, n };
  let squares = 0;
  for (let i = 0; i < n; i += 1) squares += (values[i] - mean) ** 2;
  const std = Math.sqrt(squares / (n - 1));
  return { mean, std, stdError: std / Math.sqrt(n), n };
}
