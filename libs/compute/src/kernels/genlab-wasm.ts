import * as tf from '@tensorflow/tfjs';
import { GENLAB_KERNELS_WASM_BASE64 } from './wasm/genlab-kernels.wasm';

/**
 * genlab's own wasm kernels (kernels/wasm/genlab-kernels.wat), instantiated on the heap of
 * tfjs' wasm backend: the module imports the backend's WebAssembly.Memory, so a kernel reads
 * and writes tensors in place, by their byte offsets, with wasm SIMD, where a JS loop over
 * heap views is several times slower.
 */
export interface GenlabWasmKernels {
  /** See `adam_update` in the .wat: byte offsets of p, m, v, g and of the three outputs, then n and the attrs. */
  adamUpdate(p: number, m: number, v: number, g: number, pOut: number, mOut: number, vOut: number, n: number, beta1: number, beta2: number, stepSize: number, epsilon: number): void;
}

/** The parts of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  readonly Memory: abstract new (...args: never[]) => object;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** What this module uses of tfjs' wasm backend: its Emscripten module's memory and tensors' heap offsets. */
interface WasmBackendInternals {
  readonly wasm?: { readonly asm?: { readonly memory?: unknown } };
  getMemoryOffset(dataId: tf.DataId): number;
}

const bound = new WeakMap<object, GenlabWasmKernels | null>();
let compiled: object | null | undefined;
let enabled = true;

function compile(): object | null {
  if (compiled === undefined) {
    try {
      compiled = new wasmApi.Module(Buffer.from(GENLAB_KERNELS_WASM_BASE64, 'base64'));
    } catch {
      compiled = null; // not compilable here (no wasm SIMD, or no Buffer outside Node): the fallbacks run
    }
  }
  return compiled;
}

/**
 * The kernels bound to `backend`'s heap, or null when they cannot run (not the wasm backend, its
 * memory not reachable, no wasm SIMD, or turned off by `setGenlabWasmKernelsEnabled`): callers
 * then compute the same thing another way.
 */
export function genlabWasmKernels(backend: tf.KernelBackend): GenlabWasmKernels | null {
  if (!enabled) return null;
  let kernels = bound.get(backend);
  if (kernels !== undefined) return kernels;
  kernels = null;
  const memory = (backend as unknown as WasmBackendInternals).wasm?.asm?.memory;
  const module = compile();
  if (module && memory instanceof wasmApi.Memory) {
    try {
      const exports = new wasmApi.Instance(module, { env: { memory } }).exports as { adam_update: GenlabWasmKernels['adamUpdate'] };
      kernels = { adamUpdate: exports.adam_update };
    } catch {
      kernels = null; // the memory does not link (e.g. a threaded build's shared memory): the fallbacks run
    }
  }
  bound.set(backend, kernels);
  return kernels;
}

/** The byte offset of a tensor's data in the wasm backend's heap. */
export const heapOffset = (backend: tf.KernelBackend, info: tf.TensorInfo): number => (backend as unknown as WasmBackendInternals).getMemoryOffset(info.dataId);

/** Turns genlab's wasm kernels off (their JS fallbacks run) or back on: for before/after benchmarks and specs. */
export function setGenlabWasmKernelsEnabled(on: boolean): void {
  enabled = on;
}
