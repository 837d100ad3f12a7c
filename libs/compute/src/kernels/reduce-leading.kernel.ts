import * as tf from '@tensorflow/tfjs';
import { genlabWasmKernels, heapOffset } from './genlab-wasm';
import { wasmHeap, type KernelArgs } from './wasm-kernel-call';

/*
 * Sum and Mean over leading axes (every axis before some k: a batch norm's statistics over
 * NHWC's N, H and W, a bias gradient over the batch) on wasm.
 *
 * tfjs' wasm Sum and Mean reduce the innermost axes only, so they first transpose the tensor
 * to move the reduced axes last: for dcgan-28's [64, 7, 7, 128] activations the transpose is
 * most of the 2–3 ms each reduction took, and a step made 27 of them. genlab's `sum_leading`
 * kernel sums the rows of the [rows, cols] view in place, four columns at a time, in the same
 * order and precision as tfjs' kernels after their transpose, so the results have the same bits
 * (a spec compares them). Other axes, other dtypes, and backends where genlab's wasm kernels
 * cannot run go to tfjs' own kernel, and so do reductions to one column (a full reduction, or
 * one whose kept axes are all of size 1): tfjs sums those as one contiguous run, about 4×
 * faster than `sum_leading`'s strided path for a single column (0.21 against 0.84 ms for
 * 401,408 values here).
 */

/** `rows` and `cols` if `axes` are exactly the first k axes of `shape` (0 < k ≤ rank), with k as `reduced`; else undefined. */
export function leadingSplit(shape: readonly number[], axis: number | number[]): { rows: number; cols: number; reduced: number } | undefined {
  const axes = tf.util.parseAxisParam(axis, [...shape]).sort((a, b) => a - b);
  if (axes.length === 0 || axes.some((a, i) => a !== i)) return undefined;
  const rows = shape.slice(0, axes.length).reduce((p, d) => p * d, 1);
  const cols = shape.slice(axes.length).reduce((p, d) => p * d, 1);
  return { rows, cols, reduced: axes.length };
}

function createReduceLeadingKernel(mean: boolean, fallback: tf.KernelFunc): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo => {
    const { inputs, attrs, backend } = args;
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
    const split = x.dtype === 'float32' ? leadingSplit(x.shape, axis) : undefined;
    const kernels = split && split.rows > 0 && split.cols !== 1 ? genlabWasmKernels(backend as tf.KernelBackend) : null;
    if (!split || !kernels) return fallback(args) as tf.TensorInfo;
    const { reduced } = split;
    const outShape = keepDims ? x.shape.map((d, i) => (i < reduced ? 1 : d)) : x.shape.slice(reduced);
    const out = wasmHeap(backend).makeOutput(outShape, 'float32');
    if (split.cols > 0) {
      const offset = (t: tf.TensorInfo) => heapOffset(backend as tf.KernelBackend, t);
      kernels.sumLeading(offset(x), offset(out), split.rows, split.cols, mean ? 1 : 0);
    }
    return out;
  };
  return kernel as unknown as tf.KernelFunc;
}

export const createSumLeadingKernel = (fallback: tf.KernelFunc) => createReduceLeadingKernel(false, fallback);
export const createMeanLeadingKernel = (fallback: tf.KernelFunc) => createReduceLeadingKernel(true, fallback);
