import type { TensorDataset } from './tensor-dataset.types';

/** Static binarisation: 1 where x > threshold, else 0 (so exactly 0.5 maps to 0). Returns a new array. */
export const binarize = (x: Float32Array, threshold = 0.5): Float32Array => {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] as number) > threshold ? 1 : 0;
  return out;
};

/** The same dataset with `x` binarised; labels are shared, not copied. */
export const binarizeDataset = (ds: TensorDataset, threshold = 0.5): TensorDataset => ({
  ...ds,
  x: binarize(ds.x, threshold),
});
