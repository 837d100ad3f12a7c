export * as tf from '@tensorflow/tfjs';
export { COMPUTE_BACKENDS, COMPUTE_BACKEND_ENV, isComputeBackend, backendFromEnv, type ComputeBackend } from './compute-backend';
export {
  initCompute,
  getComputeInfo,
  requireCompute,
  describeCompute,
  type ComputeInfo,
  type ComputeLogger,
  type InitComputeOptions,
} from './init-compute';
export { SeededRng, deriveSeed, assertSeed, isValidSeed, MAX_SEED } from './seeded-rng';
export { ADAM_UPDATE_KERNEL, type AdamUpdateAttrs } from './kernels/adam-update.kernel';
export { setGenlabWasmKernelsEnabled } from './kernels/genlab-wasm';
