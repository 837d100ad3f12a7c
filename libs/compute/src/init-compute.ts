import * as tf from '@tensorflow/tfjs';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import { activateBackend } from './backend-activation';
import { isWasmThreadCount, MAX_WASM_THREADS, WASM_THREADS_ENV, wasmThreadsFromEnv } from './wasm-threads';
import { COMPUTE_BACKENDS, COMPUTE_BACKEND_ENV, backendFromEnv, isComputeBackend, type ComputeBackend } from './compute-backend';

/** Anything with a `log(line)` method: `console`, a NestJS `Logger`, ... */
export interface ComputeLogger {
  log(message: string): void;
}

export interface InitComputeOptions {
  /** Forces a backend; takes precedence over the environment variable. */
  readonly backend?: ComputeBackend;
  /** Where `GENLAB_TF_BACKEND` is read from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** XNNPACK threads if the backend is wasm; takes precedence over `GENLAB_WASM_THREADS` (default 1). */
  readonly wasmThreads?: number;
  /** Receives the one line naming the chosen backend (default `console`; `false` silences it). */
  readonly logger?: ComputeLogger | false;
}

export interface ComputeInfo {
  /** genlab's name of the backend in use. */
  readonly backend: ComputeBackend;
  /** tfjs' own name of it (`tensorflow` for both native packages). */
  readonly tfBackend: string;
  /** Whether the backend was forced (option or environment) or chosen automatically. */
  readonly selectedBy: 'option' | 'env' | 'auto';
  readonly tfjsVersion: string;
  /** e.g. `simd, single thread` for wasm, the package name for native backends. */
  readonly detail: string;
  /** XNNPACK threads of the wasm backend (1 when a threaded start failed); absent for the other backends. */
  readonly wasmThreads?: number;
  /** Faster backends that were tried first and why they were not used. */
  readonly skipped: readonly { readonly backend: ComputeBackend; readonly reason: string }[];
}

// The one piece of process-wide state: the chosen backend (as a promise, so concurrent
// callers share a single initialisation). Cleared only if initialisation fails.
let initialisation: Promise<ComputeInfo> | undefined;
let chosen: ComputeInfo | undefined;
/** The wasm thread count the first call asked for (what later calls are compared with: a failed threaded start runs on one). */
let requestedWasmThreads: number | undefined;

/**
 * Chooses the TensorFlow.js backend once per process: `GENLAB_TF_BACKEND` (or
 * `options.backend`) if set, otherwise the first available of tensorflow-gpu, tensorflow,
 * wasm, cpu. Idempotent: later and concurrent calls resolve to the same ComputeInfo. Forcing
 * a backend that is unavailable, or different from the one already chosen, rejects with
 * FAILED_PRECONDITION, as does asking for a wasm thread count other than the first call's.
 */
export function initCompute(options: InitComputeOptions = {}): Promise<ComputeInfo> {
  if (options.backend !== undefined && !isComputeBackend(options.backend)) {
    return Promise.reject(invalidArgument(`backend '${String(options.backend)}' is not one of ${COMPUTE_BACKENDS.join(', ')}`));
  }
  if (options.wasmThreads !== undefined && !isWasmThreadCount(options.wasmThreads)) {
    return Promise.reject(invalidArgument(`wasmThreads ${String(options.wasmThreads)} is not a thread count; use an integer from 1 to ${MAX_WASM_THREADS}`));
  }
  if (initialisation) {
    const { backend: requested, wasmThreads } = options;
    if (requested === undefined && wasmThreads === undefined) return initialisation;
    return initialisation.then((info) => {
      if (requested !== undefined && info.backend !== requested) {
        throw failedPrecondition(`compute is already initialised with backend '${info.backend}'; cannot switch to '${requested}'`);
      }
      if (wasmThreads !== undefined && info.wasmThreads !== undefined && wasmThreads !== requestedWasmThreads) {
        throw failedPrecondition(
          `the wasm backend was set up for ${String(requestedWasmThreads)} thread(s) (running on ${info.wasmThreads}); cannot switch to ${wasmThreads} (set ${WASM_THREADS_ENV} before start-up)`,
        );
      }
      return info;
    });
  }
  const pending = selectBackend(options).then(
    (info) => {
      chosen = info;
      return info;
    },
    (error: unknown) => {
      initialisation = undefined;
      throw error;
    },
  );
  initialisation = pending;
  return pending;
}

/** The backend chosen by `initCompute`, or `undefined` before it has finished. */
export const getComputeInfo = (): ComputeInfo | undefined => chosen;

/** The chosen backend; FAILED_PRECONDITION if `initCompute` has not finished yet. */
export function requireCompute(): ComputeInfo {
  if (!chosen) throw failedPrecondition('TensorFlow.js is not initialised: await initCompute() at start-up first');
  return chosen;
}

async function selectBackend(options: InitComputeOptions): Promise<ComputeInfo> {
  const fromEnv = options.backend ? undefined : backendFromEnv(options.env ?? process.env);
  const forced = options.backend ?? fromEnv;
  const selectedBy = options.backend ? 'option' : fromEnv ? 'env' : 'auto';
  const candidates = forced ? [forced] : COMPUTE_BACKENDS;
  const wasmThreads = options.wasmThreads ?? wasmThreadsFromEnv(options.env ?? process.env);
  requestedWasmThreads = wasmThreads;
  const skipped: { backend: ComputeBackend; reason: string }[] = [];

  for (const backend of candidates) {
    const activation = await activateBackend(backend, wasmThreads);
    if (!activation.ok) {
      skipped.push({ backend, reason: activation.reason });
      continue;
    }
    await tf.ready();
    const info: ComputeInfo = {
      backend,
      tfBackend: activation.tfBackend,
      selectedBy,
      tfjsVersion: tf.version_core,
      detail: activation.detail,
      ...(activation.wasmThreads === undefined ? {} : { wasmThreads: activation.wasmThreads }),
      skipped,
    };
    if (options.logger !== false) (options.logger ?? console).log(describeCompute(info));
    return info;
  }
  const why = skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
  throw failedPrecondition(
    forced
      ? `TensorFlow.js backend '${forced}' (forced by ${selectedBy === 'env' ? COMPUTE_BACKEND_ENV : 'the caller'}) is unavailable: ${why}`
      : `no TensorFlow.js backend is available: ${why}`,
    { backend: forced, skipped },
  );
}

/** The one log line: `compute: TensorFlow.js 4.22.0 on 'wasm' (simd, single thread; auto)`. */
export function describeCompute(info: ComputeInfo): string {
  const how = info.selectedBy === 'auto' ? 'auto' : info.selectedBy === 'env' ? `forced by ${COMPUTE_BACKEND_ENV}` : 'forced';
  return `compute: TensorFlow.js ${info.tfjsVersion} on '${info.backend}' (${info.detail}; ${how})`;
}
