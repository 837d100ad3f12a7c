import { invalidArgument } from '@genlab/errors';

/**
 * One row of `numClasses` values per example, row-major: entry (i, c) is
 * `values[i * numClasses + c]`. Used for probabilities p(y | x), log-probabilities and
 * per-class log-likelihoods log p(x | y). Float32 model outputs can be passed as is; every
 * computation on them runs in float64.
 */
export interface ClassMatrix {
  readonly values: Float32Array | Float64Array;
  readonly count: number;
  readonly numClasses: number;
}

/** INVALID_ARGUMENT unless `count` ≥ 1, `numClasses` ≥ 2, the length is count × numClasses and every value is finite (or −∞, with `allowNegativeInfinity`: log 0). */
export function assertClassMatrix(matrix: ClassMatrix, name: string, allowNegativeInfinity = false): void {
  const { values, count, numClasses } = matrix;
  if (!Number.isInteger(count) || count < 1) throw invalidArgument(`${name}: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(numClasses) || numClasses < 2) throw invalidArgument(`${name}: numClasses must be an integer ≥ 2, got ${numClasses}`);
  if (values.length !== count * numClasses) {
    throw invalidArgument(`${name}: holds ${values.length} values, expected count × numClasses = ${count} × ${numClasses}`);
  }
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (Number.isFinite(value) || (allowNegativeInfinity && value === -Infinity)) continue;
    throw invalidArgument(`${name}: value ${i} (row ${Math.floor(i / numClasses)}, class ${i % numClasses}) is ${value}`);
  }
}

/** INVALID_ARGUMENT unless there are `count` labels, each an integer in [0, numClasses). */
export function assertLabels(labels: ArrayLike<number>, count: number, numClasses: number, name = 'labels'): void {
  if (labels.length !== count) throw invalidArgument(`${name}: ${labels.length} labels for ${count} examples`);
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw invalidArgument(`${name}: label ${i} is ${label}, outside [0, ${numClasses})`);
    }
  }
}

/** Index of the largest value of row `row`; ties go to the lowest class index. */
export function argmaxRow(values: ArrayLike<number>, row: number, numClasses: number): number {
  const offset = row * numClasses;
  let best = 0;
  for (let c = 1; c < numClasses; c += 1) if (values[offset + c] > values[offset + best]) best = c;
  return best;
}
