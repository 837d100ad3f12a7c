import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SeededRng } from '@genlab/compute';
import { binarize, readIdxImageDataset } from '@genlab/data';

/** The mnist-10k images of WORKLOADS.md, beside the checkout (run from the repository root). */
export const MNIST_IMAGES = resolve('../shared/data/mnist/t10k-images-idx3-ubyte.gz');

/** mnist-10k as WORKLOADS.md defines it: 10,000 × 784 pixels / 255, row-major, through genlab's IDX reader. */
export const mnistPixels = (path = MNIST_IMAGES): Float32Array => readIdxImageDataset(readFileSync(path)).x;

/** The same, statically binarised (x > 0.5). */
export const binarisedMnist = (path = MNIST_IMAGES): Float32Array => binarize(mnistPixels(path));

/** A uniformly random permutation of 0..n−1 (Fisher–Yates) from `rng`. */
export function permutation(n: number, rng: SeededRng): Uint32Array {
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = rng.nextUint32() % (i + 1);
    [p[i], p[j]] = [p[j] as number, p[i] as number];
  }
  return p;
}
