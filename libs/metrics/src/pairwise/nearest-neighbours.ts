import type { CentredFeatures } from './centred-features';

/** k-NN radii of a feature set against itself, filled from the upper triangle of its Gram matrix. */
export interface NeighbourRadii {
  /** For the blocks of `forEachSymmetricGramBlock` over the set, in order. */
  readonly visit: (block: Float32Array, start: number, rows: number, columnStart: number) => void;
  /**
   * Squared distance from each row to its k-th nearest other row (the row itself excluded,
   * duplicates counted), for one of the `ks` given at creation; complete after the last block.
   */
  readonly squaredRadii: (k: number) => Float64Array;
}

/**
 * Keeps, per row, the `max(ks)` smallest squared distances seen so far, sorted, in one flat
 * buffer. Distances come from the Gram block as ‖x′_i‖² + ‖x′_j‖² − 2 x′_iᵀx′_j. Each entry
 * (i, j) of the upper triangle serves both rows: row i scans it along its row, and row j
 * (a later block) receives it as a column entry, so a row is complete once its own block is
 * done.
 */
export function neighbourRadii(set: CentredFeatures, ks: readonly number[]): NeighbourRadii {
  const kMax = Math.max(...ks);
  const norms = set.squaredNorms;
  const n = set.count;
  const radii = new Map(ks.map((k) => [k, new Float64Array(n)]));
  const nearest = new Float64Array(n * kMax).fill(Infinity);
  /** nearest[i·kMax + kMax − 1]: the bar a new distance must beat. */
  const worst = new Float64Array(n).fill(Infinity);

  /** Inserts d2 into row i's sorted buffer and returns the new bar. */
  const insert = (i: number, d2: number): number => {
    const base = i * kMax;
    let p = kMax - 1;
    while (p > 0 && nearest[base + p - 1] > d2) {
      nearest[base + p] = nearest[base + p - 1];
      p -= 1;
    }
    nearest[base + p] = d2;
    return nearest[base + kMax - 1];
  };

  const visit = (block: Float32Array, start: number, rows: number, columnStart: number): void => {
    const width = n - columnStart;
    const end = start + rows;
    for (let r = 0; r < rows; r += 1) {
      const i = start + r;
      const offset = r * width - columnStart; // block[offset + j] = G[i][j]
      const base = norms[i];
      let bar = worst[i];
      // Inside the block's own square: this row's scan sees every (i, j); j's own row sees (j, i).
      for (let j = start; j < end; j += 1) {
        if (j === i) continue;
        const d2 = base + norms[j] - 2 * block[offset + j];
        if (d2 < bar) bar = insert(i, d2);
      }
      // Right of it: the only time (i, j) is seen, so it serves row j too.
      for (let j = end; j < n; j += 1) {
        const d2 = base + norms[j] - 2 * block[offset + j];
        if (d2 < bar) bar = insert(i, d2);
        if (d2 < worst[j]) worst[j] = insert(j, d2);
      }
      worst[i] = bar;
      for (const [k, out] of radii) out[i] = Math.max(0, nearest[i * kMax + k - 1]);
    }
  };

  return {
    visit,
    squaredRadii: (k) => {
      const out = radii.get(k);
      if (!out) throw new RangeError(`neighbourRadii: k = ${k} was not requested`);
      return out;
    },
  };
}
