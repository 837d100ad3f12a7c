import { SeededRng } from '@genlab/compute';

/** `count` subsets of `size` distinct row indices each. */
export interface Subsets {
  readonly count: number;
  readonly size: number;
  /** Subset s is `indices[s·size … (s+1)·size)`, ascending (for memory locality). */
  readonly indices: Int32Array;
}

/**
 * Draws each subset uniformly among the size-element subsets of 0…n−1 (a partial
 * Fisher–Yates shuffle), independently of the others. Same seed, same subsets.
 */
export function drawSubsets(n: number, size: number, count: number, seed: number): Subsets {
  const rng = new SeededRng(seed);
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  const indices = new Int32Array(count * size);
  for (let s = 0; s < count; s += 1) {
    for (let t = 0; t < size; t += 1) {
      const j = t + Math.floor(rng.nextFloat() * (n - t));
      const picked = pool[j];
      pool[j] = pool[t];
      pool[t] = picked;
    }
    const subset = indices.subarray(s * size, (s + 1) * size);
    subset.set(pool.subarray(0, size));
    subset.sort();
  }
  return { count, size, indices };
}

/** For each row i of 0…n−1, the subsets holding it: `subsetIds[offsets[i] … offsets[i+1])`, and where in each. */
export interface Membership {
  readonly offsets: Int32Array;
  readonly subsetIds: Int32Array;
  /** Position of the row inside the subset, alongside `subsetIds`. */
  readonly positions: Int32Array;
}

export function membership(subsets: Subsets, n: number): Membership {
  const offsets = new Int32Array(n + 1);
  for (const i of subsets.indices) offsets[i + 1] += 1;
  for (let i = 0; i < n; i += 1) offsets[i + 1] += offsets[i];
  const cursor = offsets.slice(0, n);
  const subsetIds = new Int32Array(subsets.indices.length);
  const positions = new Int32Array(subsets.indices.length);
  for (let s = 0; s < subsets.count; s += 1) {
    for (let t = 0; t < subsets.size; t += 1) {
      const slot = cursor[subsets.indices[s * subsets.size + t]]++;
      subsetIds[slot] = s;
      positions[slot] = t;
    }
  }
  return { offsets, subsetIds, positions };
}
