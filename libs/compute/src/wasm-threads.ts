import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
 *   once to a file named by its hash, in a directory of the temp directory that only this
 *   user can write (workers run whatever that file holds), and the glue is pointed at it;
 * - the build sizes its XNNPACK pool from `emscripten_num_logical_cores() / 2` (it assumes
 *   two hardware threads per core) and caps any requested count there, so on a 2-core machine
 *   it would never use more than one thread. The import is answered with twice the requested
 *   count, so the pool has exactly that many threads (the calling thread is one of them);
 * - Emscripten starts 8 pthread workers up front; the ones the pool does not use are ended,
 *   and the pool's own are unref'd, so that they neither hold memory nor keep a process alive.
 *
 * The backend object is the package's own `BackendWasm`, registered under tfjs' name
 * 'wasm', so every wasm kernel (the package's and genlab's) runs on it unchanged.
 *
 * A start that fails rejects, with every worker ended and the glue's process-wide error
 * listeners removed, and the caller falls back to the single-threaded build: a compile error,
 * a worker that fails to load or exits (Emscripten's handler rethrows a worker's error, which
 * in Node would be an uncaught exception), an abort reported through `onAbort`, or a start
 * that takes longer than a minute. (An abort the glue throws from inside one of its own event
 * handlers is beyond reach here, as for any Emscripten module.)
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
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  /** Set by Emscripten once the module is received; it rethrows. */
  onerror?: (error: Error) => void;
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

/** How long the threaded build may take to compile and load its workers. */
const START_TIMEOUT_MS = 60_000;

/**
 * `<temp>/genlab-<uid>`, made with mode 0700 if missing. Refused (with what to do) if it is not
 * a directory, another user owns it, or others may write to it: whoever can write there
 * chooses the code the wasm workers run.
 */
export function privateTempDir(temp: string = tmpdir()): string {
  const uid = process.getuid?.();
  const dir = join(temp, uid === undefined ? 'genlab' : `genlab-${uid}`);
  mkdirSync(dir, { mode: 0o700, recursive: true });
  const stat = lstatSync(dir);
  // Without user ids (Windows) there is no owner to check, and modes mean nothing there.
  const problem = !stat.isDirectory()
    ? 'is not a directory'
    : uid === undefined
      ? undefined
      : stat.uid !== uid
        ? `belongs to uid ${stat.uid}, not to this user (${uid})`
        : (stat.mode & 0o022) !== 0
          ? `can be written by others (mode ${(stat.mode & 0o777).toString(8)})`
          : undefined;
  if (problem) throw new Error(`${dir} ${problem}; remove it, or point TMPDIR elsewhere`);
  return dir;
}

/** Writes the pthread workers' script once per content (by hash), atomically, in `privateTempDir`; returns its path. */
export function writeWorkerScript(contents: string, temp?: string): string {
  // Emscripten's own loader escapes newlines before making a blob of it: the contents hold
  // string literals whose `\n` escapes became real newlines in the template literal.
  const script = contents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const path = join(privateTempDir(temp), `${BUILD}-${hash}.worker.js`);
  if (!existsSync(path) || readFileSync(path, 'utf8') !== script) {
    const partial = `${path}.${randomBytes(8).toString('hex')}.partial`;
    try {
      writeFileSync(partial, script, { flag: 'wx', mode: 0o600 });
      renameSync(partial, path);
    } finally {
      rmSync(partial, { force: true });
    }
  }
  return path;
}

/** For specs: what the threaded build is started with, to make its start fail on purpose. */
export interface ThreadedStartOverrides {
  readonly workerScript?: string;
  readonly binary?: Uint8Array;
  readonly startTimeoutMs?: number;
}

/**
 * Registers tfjs' 'wasm' backend as the threaded-SIMD build with `threads` XNNPACK threads
 * (call before `tf.setBackend('wasm')`; the package must already be loaded). Resolves once the
 * module and its workers are up; the backend itself is made by `tf.setBackend`.
 */
export async function registerThreadedWasmBackend(wasm: WasmPackage, threads: number, overrides: ThreadedStartOverrides = {}): Promise<void> {
  const outDir = join(dirname(load.resolve(`${WASM_PACKAGE}/package.json`)), 'wasm-out');
  const factory = load(join(outDir, `${BUILD}.js`)) as Factory;
  const worker = overrides.workerScript ?? writeWorkerScript((load(join(outDir, `${BUILD}.worker.js`)) as { wasmWorkerContents: string }).wasmWorkerContents);
  const binary = overrides.binary ?? readFileSync(join(outDir, `${BUILD}.wasm`));

  // Every way the start can fail ends here: the factory's own promise would never settle.
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // a failure after the race is settled (or never run) is not unhandled
  /** Once 'failed', nothing reaches the glue any more: its workers are ended, and a late compile is dropped. */
  let phase: 'starting' | 'started' | 'failed' = 'starting';
  const workerFailed = (error: Error) => fail(new Error(`a wasm worker thread failed: ${error.message}`));
  // The glue adds process-wide listeners that rethrow; a failed start must not leave them behind.
  const listenersBefore = { uncaughtException: process.listeners('uncaughtException'), unhandledRejection: process.listeners('unhandledRejection') };
  const config: Record<string, unknown> & { PThread?: EmscriptenModule['PThread'] } = {
    locateFile: (path: string, prefix: string) => (path.endsWith('.worker.js') ? worker : path.endsWith('.wasm') ? join(outDir, `${BUILD}.wasm`) : prefix + path),
    // What each worker loads before running the module: the glue itself, by path.
    mainScriptUrlOrBlob: join(outDir, `${BUILD}.js`),
    onAbort: (what: unknown) => fail(new Error(`the threaded build aborted: ${String(what)}`)),
    instantiateWasm: (imports: { env: Record<string, unknown> }, receive: (instance: object, module: object) => void) => {
      imports.env['emscripten_num_logical_cores'] = () => 2 * threads;
      wasmApi.instantiate(binary, imports).then(({ instance, module: compiled }) => {
        if (phase === 'failed') return; // the start already failed (a worker, the timeout): its workers are gone
        receive(instance, compiled); // sends the module to the workers, and sets their rethrowing onerror
        for (const w of config.PThread?.unusedWorkers ?? []) {
          const emscripten = w.onerror;
          w.onerror = (error) => (phase === 'started' ? emscripten?.(error) : workerFailed(error));
        }
      }).catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
      return {};
    },
  };
  const timeoutMs = overrides.startTimeoutMs ?? START_TIMEOUT_MS;
  const timer = setTimeout(() => fail(new Error(`the threaded build did not start within ${timeoutMs / 1000} s`)), timeoutMs);
  let module: EmscriptenModule;
  try {
    const starting = factory(config); // the config object becomes the module: its pool exists from here
    // A worker's script can fail before Emscripten listens for its errors; unheard, that error would end the process.
    for (const w of config.PThread?.unusedWorkers ?? []) {
      w.on('error', (error) => phase === 'starting' && workerFailed(error));
      w.on('exit', (code) => phase === 'starting' && workerFailed(new Error(`it exited (code ${code}) before loading`)));
    }
    module = await Promise.race([starting, failed]);
    phase = 'started';
  } catch (error) {
    phase = 'failed'; // the workers' exits from here on are ours
    for (const w of [...(config.PThread?.unusedWorkers ?? []), ...(config.PThread?.runningWorkers ?? [])]) void w.terminate();
    for (const listener of process.listeners('uncaughtException')) {
      if (!listenersBefore.uncaughtException.includes(listener)) process.removeListener('uncaughtException', listener);
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!listenersBefore.unhandledRejection.includes(listener)) process.removeListener('unhandledRejection', listener);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
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
