import { expect } from 'vitest';
import { tf } from '@genlab/compute';

/**
 * Asserts that `fn` leaves `tf.memory().numTensors` unchanged, call after call (after one
 * warm-up call for lazily created kernels). The same check as @genlab/models' test helper,
 * which that library does not export.
 */
export async function expectNoTensorLeak(fn: () => Promise<unknown>, repeats = 2): Promise<void> {
  await fn();
  const baseline = tf.memory().numTensors;
  for (let i = 0; i < repeats; i += 1) {
    await fn();
    expect(tf.memory().numTensors, `live tensors after repeat ${i + 1}`).toBe(baseline);
  }
}
