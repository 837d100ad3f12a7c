import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ComputeBackend } from './compute-backend';
import { registerWasmKernels } from './kernels/wasm-kernels';
import { registerThreadedWasmBackend, wasmThreadCount } from './wasm-threads';

export type Activation =
  | { readonly ok: true; readonly tfBackend: string; readonly detail: string; readonly wasmThreads?: number }
  | { readonly ok: false; readonly reason: string };

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');

const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

/** Loads packages that may be absent; used only inside the guarded activations below. */
const loadOptional = createRequire(__filename);

const describe = (error: unknown) => (error instanceof Error ? error.message.split('\n')[0] : String(error));

const isInstalled = (pkg: string): boolean => {
  try {
    loadOptional.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};

/** The native packages are optional: they are required only here, and only if installed. */
async function activateNative(backend: keyof typeof NATIVE_PACKAGES): Promise<Activation> {
  const pkg = NATIVE_PACKAGES[backend];
  if (!isInstalled(pkg)) return { ok: false, reason: `${pkg} is not installed` };
  try {
    loadOptional(pkg); // registers tfjs' 'tensorflow' backend as a side effect
  } catch (error) {
    return { ok: false, reason: `${pkg} is installed but failed to load: ${describe(error)}` };
  }
  if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: `${pkg} loaded but its backend did not initialise` };
  return { ok: true, tfBackend: 'tensorflow', detail: pkg };
}

/** `threads` > 1: tfjs' threaded-SIMD build with that many XNNPACK threads (wasm-threads.ts). */
async function activateWasm(threads: number): Promise<Activation> {
  if (!isInstalled(WASM_PACKAGE)) return { ok: false, reason: `${WASM_PACKAGE} is not installed` };
  let wasm: WasmModule;
  try {
    wasm = loadOptional(WASM_PACKAGE) as WasmModule;
    const distDir = join(dirname(loadOptional.resolve(`${WASM_PACKAGE}/package.json`)), 'dist') + sep;
    wasm.setWasmPaths(distDir);
  } catch (error) {
    return { ok: false, reason: `${WASM_PACKAGE} failed to load: ${describe(error)}` };
  }
  // The threaded build needs wasm SIMD and threads; without them the single-threaded build
  // still runs, and the log line says why the threads are missing.
  let threadsMissing = '';
  if (threads > 1) {
    try {
      await registerThreadedWasmBackend(wasm, threads);
    } catch (error) {
      threadsMissing = ` (${threads} threads asked for; the threaded build failed: ${describe(error)})`;
    }
  }
  if (!(await tf.setBackend('wasm'))) return { ok: false, reason: 'the wasm backend did not initialise' };
  registerWasmKernels(); // Conv2DBackpropFilter (missing in wasm) and faster Conv2DBackpropInput, Sum, Mean, Identity
  const count = wasmThreadCount(wasm);
  const simd = count > 1 || tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  return { ok: true, tfBackend: 'wasm', wasmThreads: count, detail: `${simd ? 'simd' : 'no simd'}, ${count > 1 ? `${count} threads` : `single thread${threadsMissing}`}` };
}

async function activateCpu(): Promise<Activation> {
  if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'the cpu backend did not initialise' };
  return { ok: true, tfBackend: 'cpu', detail: 'pure JavaScript' };
}

/** Tries to make `backend` tfjs' active backend; never throws, says why on failure. `wasmThreads` applies to wasm only. */
export function activateBackend(backend: ComputeBackend, wasmThreads = 1): Promise<Activation> {
  switch (backend) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return activateNative(backend);
    case 'wasm':
      return activateWasm(wasmThreads);
    case 'cpu':
      return activateCpu();
  }
}
