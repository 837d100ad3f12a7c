import * as tf from '@tensorflow/tfjs';
import { GENLAB_KERNELS_SHARED_WASM_BASE64, GENLAB_KERNELS_WASM_BASE64 } from './wasm/genlab-kernels.wasm';

/**
 * genlab's own wasm kernels (kernels/wasm/genlab-kernels.wat), instantiated on the heap of
 * tfjs' wasm backend: the module imports the backend's WebAssembly.Memory, so a kernel reads
 * and writes tensors in place, by their byte offsets, with wasm SIMD, where a JS loop over
 * heap views is several times slower. The module comes in two compilations that differ only in
 * their memory import: unshared for tfjs' single-threaded builds, shared for its threaded build
 * (wasm-threads.ts). genlab's kernels themselves run on the calling thread.
 */
export interface GenlabWasmKernels {
  /** See `adam_update` in the .wat: byte offsets of p, m, v, g and of the three outputs, then n and the attrs. */
  adamUpdate(p: number, m: number, v: number, g: number, pOut: number, mOut: number, vOut: number, n: number, beta1: number, beta2: number, stepSize: number, epsilon: number): void;
  /** See `sum_leading`: out[c] = Σ_r x[r·cols + c] over float32 [rows, cols] (÷ rows if `mean` is 1), by byte offsets. */
  sumLeading(x: number, out: number, rows: number, cols: number, mean: number): void;
}

/** The parts of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  readonly Memory: abstract new (...args: never[]) => { readonly buffer: ArrayBuffer | SharedArrayBuffer };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** What this module uses of tfjs' wasm backend: its Emscripten module's memory and tensors' heap offsets. */
interface WasmBackendInternals {
  /** The single-threaded builds export their memory; the threaded build imports it (`wasmMemory`). */
  readonly wasm?: { readonly asm?: { readonly memory?: unknown }; readonly wasmMemory?: unknown };
  getMemoryOffset(dataId: tf.DataId): number;
}

const bound = new WeakMap<object, GenlabWasmKernels | null>();
const compiled = new Map<boolean, object | null>();
let enabled = true;

/** The module for an unshared or a shared memory, compiled once each. */
function compile(shared: boolean): object | null {
  let module = compiled.get(shared);
  if (module === undefined) {
    try {
      module = new wasmApi.Module(Buffer.from(shared ? GENLAB_KERNELS_SHARED_WASM_BASE64 : GENLAB_KERNELS_WASM_BASE64, 'base64'));
    } catch {
      module = null; // not compilable here (no wasm SIMD, or no Buffer outside Node): the fallbacks run
    }
    compiled.set(shared, module);
  }
  return module;
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
  const wasm = (backend as unknown as WasmBackendInternals).wasm;
  const memory = wasm?.asm?.memory ?? wasm?.wasmMemory;
  const module = memory instanceof wasmApi.Memory ? compile(memory.buffer instanceof SharedArrayBuffer) : null;
  if (module) {
    try {
      const exports = new wasmApi.Instance(module, { env: { memory } }).exports as {
        adam_update: GenlabWasmKernels['adamUpdate'];
        sum_leading: GenlabWasmKernels['sumLeading'];
      };
      kernels = { adamUpdate: exports.adam_update, sumLeading: exports.sum_leading };
    } catch {
      kernels = null; // the memory does not link: the fallbacks run
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
