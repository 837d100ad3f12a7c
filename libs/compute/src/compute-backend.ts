import { invalidArgument } from '@genlab/errors';

/**
 * The TensorFlow.js backends genlab can run on, fastest first. `tensorflow-gpu` and
 * `tensorflow` are the native bindings (`@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node`),
 * optional packages that are used only when installed.
 */
export const COMPUTE_BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

export type ComputeBackend = (typeof COMPUTE_BACKENDS)[number];

/** Environment variable that forces one backend instead of the automatic choice. */
export const COMPUTE_BACKEND_ENV = 'GENLAB_TF_BACKEND';

export const isComputeBackend = (name: string): name is ComputeBackend =>
  (COMPUTE_BACKENDS as readonly string[]).includes(name);

/**
 * Reads the forced backend from the environment; `undefined` (or empty) means "choose
 * automatically". An unknown name is a configuration error and fails fast.
 */
export function backendFromEnv(env: Readonly<Record<string, string | undefined>>): ComputeBackend | undefined {
  const raw = env[COMPUTE_BACKEND_ENV]?.trim();
  if (!raw) return undefined;
  if (!isComputeBackend(raw)) {
    throw invalidArgument(`${COMPUTE_BACKEND_ENV}='${raw}' is not a backend; use one of ${COMPUTE_BACKENDS.join(', ')}`, {
      variable: COMPUTE_BACKEND_ENV,
      value: raw,
      allowed: [...COMPUTE_BACKENDS],
    });
  }
  return raw;
}
