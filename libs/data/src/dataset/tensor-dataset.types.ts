/**
 * An in-memory dataset of `count` examples, each a float32 tensor of `shape` (for images
 * [height, width, channels], for 2-D points [2]), stored row-major one after another in `x`.
 * `labels[i]` is the class of example i, in [0, numClasses).
 */
export interface TensorDataset {
  readonly shape: readonly number[];
  readonly count: number;
  readonly x: Float32Array;
  readonly labels?: Int32Array;
  readonly numClasses?: number;
}

/** Number of float values per example: the product of `shape`. */
export const exampleSize = (shape: readonly number[]): number => shape.reduce((product, dim) => product * dim, 1);
