import * as tf from '@tensorflow/tfjs';
import { genlabWasmKernels, heapOffset } from './genlab-wasm';
import { wasmHeap } from './wasm-kernel-call';

/** A fused Adam update of one parameter: inputs `param`, `m`, `v`, `grad`; outputs the new param, m and v. */
export const ADAM_UPDATE_KERNEL = 'GenlabAdamUpdate';

/** PyTorch's rule, rearranged: m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g², p' = p − stepSize·m' / (√v' + ε). */
export interface AdamUpdateAttrs {
  readonly beta1: number;
  readonly beta2: number;
  /** lr·√(1−β2^t) / (1−β1^t) */
  readonly stepSize: number;
  /** ε·√(1−β2^t) */
  readonly epsilon: number;
}

/**
 * One pass over the heap for the whole update instead of ~12 wasm kernels (each a pass over
 * the parameter and a dispatch): the optimiser step is bound by memory traffic and per-op
 * overhead, not arithmetic. Writes new buffers; inputs are untouched (tensors stay immutable).
 * The pass is genlab's SIMD wasm kernel (genlab-wasm.ts) where it can run, else a JS loop over
 * heap views; both compute in float64 from the float32 values and round on store, operation by
 * operation alike, so they give the same bits.
 */
function adamUpdateWasm({ inputs, attrs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { param, m, v, grad } = inputs as Record<'param' | 'm' | 'v' | 'grad', tf.TensorInfo>;
  const { beta1, beta2, stepSize, epsilon } = attrs as unknown as AdamUpdateAttrs;
  for (const t of [param, m, v, grad]) {
    if (t.dtype !== 'float32' || tf.util.sizeFromShape(t.shape) !== tf.util.sizeFromShape(param.shape)) {
      throw new Error(`${ADAM_UPDATE_KERNEL}: inputs must be float32 of one size`);
    }
  }
  const heap = wasmHeap(backend);
  const outputs = [param, m, v].map((t) => heap.makeOutput([...t.shape], 'float32'));
  const kernels = genlabWasmKernels(backend as tf.KernelBackend);
  if (kernels) {
    const offset = (t: tf.TensorInfo) => heapOffset(backend as tf.KernelBackend, t);
    const [pOut, mOut, vOut] = outputs.map(offset);
    kernels.adamUpdate(offset(param), offset(m), offset(v), offset(grad), pOut, mOut, vOut, tf.util.sizeFromShape(param.shape), beta1, beta2, stepSize, epsilon);
    return outputs;
  }
  // Views only after every allocation: growing the heap detaches older views.
  const [p0, m0, v0, g] = [param, m, v, grad].map((t) => heap.typedArrayFromHeap(t));
  const [p1, m1, v1] = outputs.map((t) => heap.typedArrayFromHeap(t));
  const [c1, c2] = [1 - beta1, 1 - beta2];
  for (let i = 0; i < g.length; i += 1) {
    const gi = g[i];
    const mi = beta1 * m0[i] + c1 * gi;
    const vi = beta2 * v0[i] + c2 * gi * gi;
    m1[i] = mi;
    v1[i] = vi;
    p1[i] = p0[i] - (stepSize * mi) / (Math.sqrt(vi) + epsilon);
  }
  return outputs;
}

export const wasmAdamUpdateConfig: tf.KernelConfig = { kernelName: ADAM_UPDATE_KERNEL, backendName: 'wasm', kernelFunc: adamUpdateWasm };
