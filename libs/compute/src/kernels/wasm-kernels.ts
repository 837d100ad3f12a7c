import * as tf from '@tensorflow/tfjs';
import { wasmAdamUpdateConfig } from './adam-update.kernel';
import { wasmConv2dBackpropFilterConfig } from './conv2d-backprop-filter.kernel';
import { createConv2dBackpropInputKernel } from './conv2d-backprop-input.kernel';
import { createSharingIdentityKernel } from './identity.kernel';
import { createMeanLeadingKernel, createSumLeadingKernel } from './reduce-leading.kernel';

const replaced = new WeakSet<tf.KernelFunc>();

/** Puts `make(wasm's own kernel)` in place of wasm's kernel `name`, once. */
function replaceKernel(name: string, make: (fallback: tf.KernelFunc) => tf.KernelFunc): void {
  const own = tf.getKernel(name, 'wasm');
  if (!own || replaced.has(own.kernelFunc)) return;
  const kernelFunc = make(own.kernelFunc);
  replaced.add(kernelFunc);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc, setupFunc: own.setupFunc, disposeFunc: own.disposeFunc });
}

/**
 * Supplies kernels for tfjs' wasm backend (call once the backend is initialised, so that
 * wasm's own kernels have run their set-up; idempotent):
 * - `Conv2DBackpropFilter`, which wasm lacks (the filter gradient of conv2d and conv2dTranspose);
 * - `Conv2DBackpropInput` as one XNNPACK Conv2D instead of wasm's plain loop (NHWC; other
 *   cases still reach wasm's own kernel); both conv gradients of a single-channel image as
 *   one matrix product (single-channel-conv.ts).
 * - `GenlabAdamUpdate`, a fused Adam step (`ADAM_UPDATE_KERNEL`);
 * - `Sum` and `Mean` over leading axes without tfjs' transpose (reduce-leading.kernel.ts);
 * - `Identity` sharing its input's buffer instead of copying it (identity.kernel.ts).
 * A Conv2DBackpropFilter that tfjs ships itself one day is left alone.
 */
export function registerWasmKernels(): void {
  if (!tf.getKernel(wasmAdamUpdateConfig.kernelName, 'wasm')) tf.registerKernel(wasmAdamUpdateConfig);
  if (!tf.getKernel(wasmConv2dBackpropFilterConfig.kernelName, 'wasm')) tf.registerKernel(wasmConv2dBackpropFilterConfig);
  replaceKernel(tf.Conv2DBackpropInput, createConv2dBackpropInputKernel);
  replaceKernel(tf.Sum, createSumLeadingKernel);
  replaceKernel(tf.Mean, createMeanLeadingKernel);
  replaceKernel(tf.Identity, createSharingIdentityKernel);
}
