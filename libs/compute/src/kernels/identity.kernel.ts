import * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from './wasm-kernel-call';

/*
 * Identity on wasm without a copy. tfjs runs Identity for every tensor a kernel keeps for its
 * gradient (the engine clones them) and for `tf.clone`; wasm's own Identity copies the values
 * into a new buffer, while the cpu backend's shares the buffer and counts one more reference,
 * as wasm's Reshape already does. Tensors are immutable (no kernel writes into an input, and a
 * variable's `assign` takes a new buffer), so sharing is safe: the buffer is freed when its
 * last reference is disposed. dcgan-28 made 140 such copies a step (≈ 24 ms).
 */
interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

export function createSharingIdentityKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  const kernel = (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return fallback(args) as tf.TensorInfo;
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return kernel as unknown as tf.KernelFunc;
}
