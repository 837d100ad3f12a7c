import { expect } from 'vitest';
import { tf } from '@genlab/compute';

export interface NoTensorLeakOptions {
  /** Calls before counting, for lazily created state (default 1). */
  readonly warmup?: number;
  /** Calls that must each leave the tensor count unchanged (default 3). */
  readonly repeats?: number;
  readonly label?: string;
}

function disposeResult(result: unknown): void {
  if (result instanceof tf.Tensor) result.dispose();
  else if (Array.isArray(result)) result.forEach(disposeResult);
}

/**
 * Asserts that `fn` leaves `tf.memory().numTensors` unchanged, call after call. Tensors
 * `fn` returns (alone or in an array) belong to the caller and are disposed here, so pass
 * e.g. `() => model.trainStep(x)` directly. `fn` may be async.
 */
export async function expectNoTensorLeak(fn: () => unknown, options: NoTensorLeakOptions = {}): Promise<void> {
  const { warmup = 1, repeats = 3, label = 'call' } = options;
  const once = async () => disposeResult(await fn());
  for (let i = 0; i < warmup; i += 1) await once();
  const baseline = tf.memory().numTensors;
  for (let i = 0; i < repeats; i += 1) {
    await once();
    expect(tf.memory().numTensors, `${label}: live tensors after repeat ${i + 1}`).toBe(baseline);
  }
}
