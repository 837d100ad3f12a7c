/**
 * How much another busy thread slows the training thread on this machine: the wasm matmul
 * of a vae-mlp layer (128×784 by a 784→400 weight) timed alone, then while a worker thread on the
 * other core spins on arithmetic, then while one streams through 64 MB of memory, then alone
 * again, taking turns for `--rounds` rounds. On a machine whose two vCPUs share a physical
 * core (or its memory bandwidth), work moved to a second thread is not free: it slows the
 * first. This decides whether offloading (wasm threads, a validation worker, a separate
 * client process) can pay. A diagnostic for PERFORMANCE.md, not a workload figure.
 *
 *   node libs/models/scripts/run-ts.mjs bench/profile/co-scheduling.ts [--rounds 3] [--products 200]
 *
 * Prints one JSON line (`kind: 'co-scheduling'`) with the median ms per product of each mode.
 */
import { Worker } from 'node:worker_threads';
import { getComputeInfo, initCompute, tf } from '@genlab/compute';
import { arg, QUICK } from '../lib/bench-args';

const ROUNDS = Number(arg('rounds', QUICK ? '1' : '3'));
const PRODUCTS = Number(arg('products', QUICK ? '50' : '200'));

/** Bodies of the sibling threads: they run until terminated. */
const SIBLINGS = {
  arithmetic: 'let x = 0; for (;;) { for (let i = 0; i < 1e7; i++) x += Math.sqrt(i); if (x < 0) break; }',
  memory: 'const a = new Float64Array(8e6); let s = 0; for (;;) { for (let i = 0; i < a.length; i += 8) { a[i] += 1; s += a[i]; } if (s < 0) break; }',
} as const;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function main(): Promise<void> {
  await initCompute({ logger: false });
  const a = tf.randomNormal([128, 784], 0, 1, 'float32', 1);
  const w = tf.randomNormal([784, 400], 0, 1, 'float32', 2);
  const timeProducts = () => {
    const started = performance.now();
    for (let i = 0; i < PRODUCTS; i++) {
      // (A tidy returning the values would have tfjs walk every element looking for tensors.)
      tf.tidy(() => void tf.matMul(a, w).dataSync());
    }
    return (performance.now() - started) / PRODUCTS;
  };
  const withSibling = async (body: string) => {
    const worker = new Worker(body, { eval: true });
    worker.on('error', (error) => {
      console.error(`the sibling thread failed: ${String(error)}`);
      process.exit(1);
    });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the sibling is up and busy
    try {
      return timeProducts();
    } finally {
      await worker.terminate();
    }
  };
  timeProducts(); // warm-up
  const modes = { alone: [] as number[], arithmetic: [] as number[], memory: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const before = timeProducts();
    modes.arithmetic.push(await withSibling(SIBLINGS.arithmetic));
    modes.memory.push(await withSibling(SIBLINGS.memory));
    modes.alone.push((before + timeProducts()) / 2); // alone before and after, averaged
  }
  tf.dispose([a, w]);
  const alone = median(modes.alone);
  const figures = {
    kind: 'co-scheduling',
    unit: 'ms per 128×784 by 784→400 product',
    alone,
    withArithmeticSibling: median(modes.arithmetic),
    withMemorySibling: median(modes.memory),
    slowdownArithmetic: median(modes.arithmetic) / alone,
    slowdownMemory: median(modes.memory) / alone,
    gflops: (2 * 128 * 784 * 400) / alone / 1e6,
    backend: getComputeInfo()?.backend,
    rounds: ROUNDS,
  };
  console.log(JSON.stringify(figures));
  console.log(
    `matmul alone ${alone.toFixed(3)} ms (${figures.gflops.toFixed(1)} GFLOP/s); with a sibling thread on arithmetic ×${figures.slowdownArithmetic.toFixed(2)}, streaming memory ×${figures.slowdownMemory.toFixed(2)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
