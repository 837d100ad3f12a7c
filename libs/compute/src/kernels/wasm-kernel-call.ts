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

/** What genlab's kernels use of tfjs' wasm backend: its tensors live in the module's heap. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view of a float32 tensor's data on the heap; growing the heap detaches older views. */
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/** The wasm backend a kernel runs on, as the heap it allocates on and reads from. */
export const wasmHeap = (backend: unknown): WasmHeapBackend => backend as WasmHeapBackend;
