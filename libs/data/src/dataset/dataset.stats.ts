import type { TensorDataset } from './tensor-dataset.types';

export interface DatasetStats {
  readonly count: number;
  /** Number of values (pixels × channels) the statistics cover. */
  readonly values: number;
  readonly mean: number;
  /** Population standard deviation over all values. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Examples per class, indexed by label; present when the dataset has labels. */
  readonly classCounts?: number[];
}

/** Mean, standard deviation, range of all values, and per-class counts. Two passes, in float64. */
export const datasetStats = (ds: TensorDataset): DatasetStats => {
  const { x } = ds;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = x.length > 0 ? sum / x.length : NaN;
  let squares = 0;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] as number) - mean;
    squares += d * d;
  }
  const std = x.length > 0 ? Math.sqrt(squares / x.length) : NaN;
  const base = { count: ds.count, values: x.length, mean, std, min: x.length ? min : NaN, max: x.length ? max : NaN };
  return ds.labels ? { ...base, classCounts: classCounts(ds.labels, ds.numClasses) } : base;
};

export const classCounts = (labels: Int32Array, numClasses?: number): number[] => {
  const size = numClasses ?? labels.reduce((m, label) => Math.max(m, label + 1), 0);
  const counts = new Array<number>(size).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
};
