import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@genlab/errors';

/*
 * tfjs-backend-wasm's threaded-SIMD build in Node.
 *
 * The package ships an Emscripten build whose XNNPACK operators (matmul, conv2d, ...) split
 * their work over a pthread pool, and Emscripten's glue runs pthreads on Node's worker
 * threads. The package itself never loads it in Node (its multithread flag is hard-wired off
 * there, tfjs issue #3830), and its loader would fail anyway: it hands the pthread workers
 * their script as a `blob:` URL, which Node's Worker refuses. This module instantiates the
 * threaded build itself, without patching the package:
 *
 * - the workers' script (the package's `wasmWorkerContents`, which handles Node) is written
 *   once to a file in the temp directory, named by its hash, and the glue is pointed at it;
 * - the build sizes its XNNPACK pool from `emscripten_num_logical_cores() / 2` (it assumes
 *   two hardware threads per core) and caps any requested count there, so on a 2-core machine
 *   it would never use more than one thread. The import is answered with twice the requested
 *   count, so the pool has exactly that many threads (the calling thread is one of them);
 * - Emscripten starts 8 pthread workers up front; the ones the pool does not use are ended,
 *   and the pool's own are unref'd, so that they neither hold memory nor keep a process alive.
 *
 * The backend object is the package's own `BackendWasm`, registered under tfjs' name
 * 'wasm', so every wasm kernel (the package's and genlab's) runs on it unchanged.
 */

/** Environment variable: XNNPACK threads for the wasm backend (1 = the single-threaded SIMD build). */
export const WASM_THREADS_ENV = 'GENLAB_WASM_THREADS';
/** Emscripten's pool in this build has 8 workers; more threads would need workers it starts lazily. */
export const MAX_WASM_THREADS = 8;

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const BUILD = 'tfjs-backend-wasm-threaded-simd';

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');

/** The parts of the Emscripten module used here. */
interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread: { unusedWorkers: NodeWorker[]; runningWorkers: NodeWorker[] };
  tfjs?: Record<string, unknown>;
}
interface NodeWorker {
  unref(): void;
  terminate(): unknown;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object; module: object }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const load = createRequire(__filename);

/**
 * The thread count asked for by `GENLAB_WASM_THREADS`: 1 when unset or empty (the
 * single-threaded build, tfjs' own default in Node). INVALID_ARGUMENT for anything but an
 * integer from 1 to 8.
 */
export function wasmThreadsFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env[WASM_THREADS_ENV]?.trim();
  if (!raw) return 1;
  const threads = Number(raw);
  if (!isWasmThreadCount(threads)) {
    throw invalidArgument(`${WASM_THREADS_ENV}='${raw}' is not a thread count; use an integer from 1 to ${MAX_WASM_THREADS}`, {
      variable: WASM_THREADS_ENV,
      value: raw,
    });
  }
  return threads;
}

export const isWasmThreadCount = (threads: number): boolean => Number.isInteger(threads) && threads >= 1 && threads <= MAX_WASM_THREADS;

/** Writes the pthread workers' script once per content (by hash), atomically; returns its path. */
function workerScript(contents: string): string {
  // Emscripten's own loader escapes newlines before making a blob of it: the contents hold
  // string literals whose `\n` escapes became real newlines in the template literal.
  const script = contents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const path = join(tmpdir(), `genlab-${BUILD}-${hash}.worker.js`);
  if (!existsSync(path) || readFileSync(path, 'utf8') !== script) {
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, script);
    renameSync(partial, path);
  }
  return path;
}

/**
 * Registers tfjs' 'wasm' backend as the threaded-SIMD build with `threads` XNNPACK threads
 * (call before `tf.setBackend('wasm')`; the package must already be loaded). Resolves once the
 * module and its workers are up; the backend itself is made by `tf.setBackend`.
 */
export async function registerThreadedWasmBackend(wasm: WasmPackage, threads: number): Promise<void> {
  const outDir = join(dirname(load.resolve(`${WASM_PACKAGE}/package.json`)), 'wasm-out');
  const factory = load(join(outDir, `${BUILD}.js`)) as Factory;
  const { wasmWorkerContents } = load(join(outDir, `${BUILD}.worker.js`)) as { wasmWorkerContents: string };
  const worker = workerScript(wasmWorkerContents);
  const binary = readFileSync(join(outDir, `${BUILD}.wasm`));

  const module = await factory({
    locateFile: (path: string, prefix: string) => (path.endsWith('.worker.js') ? worker : path.endsWith('.wasm') ? join(outDir, `${BUILD}.wasm`) : prefix + path),
    // What each worker loads before running the module: the glue itself, by path.
    mainScriptUrlOrBlob: join(outDir, `${BUILD}.js`),
    instantiateWasm: (imports: { env: Record<string, unknown> }, receive: (instance: object, module: object) => void) => {
      imports.env['emscripten_num_logical_cores'] = () => 2 * threads;
      void wasmApi.instantiate(binary, imports).then(({ instance, module: compiled }) => receive(instance, compiled));
      return {};
    },
  });
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasm.setThreadsCount(threads);

  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => {
    const backend = new wasm.BackendWasm(module as never); // creates the XNNPACK pool: threads − 1 workers start running
    for (const idle of module.PThread.unusedWorkers.splice(0)) void idle.terminate();
    for (const running of module.PThread.runningWorkers) running.unref();
    return backend;
  });
}

/** XNNPACK's thread count on the active wasm backend (1 for the single-threaded builds). */
export function wasmThreadCount(wasm: WasmPackage): number {
  try {
    return Math.max(1, wasm.getThreadsCount()); // the single-threaded builds report -1 (no pool)
  } catch {
    return 1;
  }
}
