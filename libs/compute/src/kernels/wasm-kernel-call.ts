import * as tf from '@tensorflow/tfjs';

export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Runs another wasm kernel directly (as backends compose kernels), returning its output's TensorInfo. */
export function runWasmKernel(name: string, args: KernelArgs, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`wasm kernel '${name}' is not registered`);
  return kernel.kernelFunc({ inputs, attrs, backend: args.backend }) as tf.TensorInfo;
}

/** Frees a kernel output that is not returned (as backends free their temporaries). */
export const disposeInfo = (args: KernelArgs, t: tf.TensorInfo): void => void (args.backend as tf.KernelBackend).disposeData(t.dataId);
