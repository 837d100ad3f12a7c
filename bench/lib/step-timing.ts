import type { tf } from '@genlab/compute';

/**
 * WORKLOADS.md's timing: the median wall time of `steps` training steps after `warmup`
 * steps, each waiting for its loss value. `step(i)` runs step i (0-based, warm-up included).
 */
export async function medianStepMs(step: (i: number) => tf.Scalar, warmup = 5, steps = 50): Promise<number> {
  const once = async (i: number) => {
    const loss = step(i);
    await loss.data();
    loss.dispose();
  };
  for (let i = 0; i < warmup; i += 1) await once(i);
  const times: number[] = [];
  for (let i = 0; i < steps; i += 1) {
    const t = performance.now();
    await once(warmup + i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
