import * as tf from '@tensorflow/tfjs';
import { wasmAdamUpdateConfig } from './adam-update.kernel';
import { wasmConv2dBackpropFilterConfig } from './conv2d-backprop-filter.kernel';
import { createConv2dBackpropInputKernel } from './conv2d-backprop-input.kernel';

const replaced = new WeakSet<tf.KernelFunc>();

/**
 * Supplies kernels for tfjs' wasm backend (call once the backend is initialised, so that
 * wasm's own kernels have run their set-up; idempotent):
 * - `Conv2DBackpropFilter`, which wasm lacks (the filter gradient of conv2d and conv2dTranspose);
 * - `Conv2DBackpropInput` as one XNNPACK Conv2D instead of wasm's plain loop (NHWC; other
 *   cases still reach wasm's own kernel).
 * - `GenlabAdamUpdate`, a fused Adam step (`ADAM_UPDATE_KERNEL`).
 * A Conv2DBackpropFilter that tfjs ships itself one day is left alone.
 */
export function registerWasmKernels(): void {
  if (!tf.getKernel(wasmAdamUpdateConfig.kernelName, 'wasm')) tf.registerKernel(wasmAdamUpdateConfig);
  if (!tf.getKernel(wasmConv2dBackpropFilterConfig.kernelName, 'wasm')) tf.registerKernel(wasmConv2dBackpropFilterConfig);

  const input = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  if (input && !replaced.has(input.kernelFunc)) {
    const kernelFunc = createConv2dBackpropInputKernel(input.kernelFunc);
    replaced.add(kernelFunc);
    tf.unregisterKernel(tf.Conv2DBackpropInput, 'wasm');
    tf.registerKernel({ kernelName: tf.Conv2DBackpropInput, backendName: 'wasm', kernelFunc });
  }
}
