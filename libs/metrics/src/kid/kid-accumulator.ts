import type { CentredFeatures } from '../pairwise/centred-features';
import { membership, type Membership, type Subsets } from './kid-subsets';

/** KID's estimate over random subsets. */
export interface KernelInceptionDistance {
  /** Mean of the per-subset unbiased MMD² estimates. */
  readonly mean: number;
  /** Their standard deviation (population form, 1/S, as the reference implementations report it). */
  readonly std: number;
  readonly subsets: number;
  readonly subsetSize: number;
}

/**
 * Sums of k(x, y) = (xᵀy/d + 1)³ over the pairs of each subset, fed from the Gram blocks of
 * the three passes (real × real, generated × generated, real × generated) and turned into
 * one unbiased MMD² per subset:
 *   MMD²_u = Σ_{i≠j} k(x_i, x_j)/(m(m−1)) + Σ_{i≠j} k(y_i, y_j)/(m(m−1)) − 2 Σ_{i,j} k(x_i, y_j)/m².
 * Subset s pairs the s-th real subset with the s-th generated one.
 */
export interface KidAccumulator {
  /** For the blocks of `forEachSymmetricGramBlock` over the real set. */
  readonly realSelf: (block: Float32Array, start: number, rows: number, columnStart: number) => void;
  /** For the blocks of `forEachSymmetricGramBlock` over the generated set. */
  readonly generatedSelf: (block: Float32Array, start: number, rows: number, columnStart: number) => void;
  /** For the blocks of `forEachGramBlock`, real rows × generated columns. */
  readonly cross: (block: Float32Array, start: number, rows: number) => void;
  /** Per-subset MMD² estimates, once all three passes are done. */
  readonly estimates: () => Float64Array;
  readonly result: () => KernelInceptionDistance;
}

interface Side {
  readonly set: CentredFeatures;
  readonly subsets: Subsets;
  readonly membership: Membership;
  /** cᵀx′_j + cᵀc for the j-th entry of each subset, laid out like `subsets.indices`. */
  readonly shifts: Float64Array;
}

export function createKidAccumulator(real: CentredFeatures, generated: CentredFeatures, realSubsets: Subsets, generatedSubsets: Subsets, centreNorm2: number): KidAccumulator {
  const side = (set: CentredFeatures, subsets: Subsets): Side => ({
    set,
    subsets,
    membership: membership(subsets, set.count),
    shifts: Float64Array.from(subsets.indices, (j) => set.centreDots[j] + centreNorm2),
  });
  const x = side(real, realSubsets);
  const y = side(generated, generatedSubsets);
  const count = realSubsets.count;
  const m = realSubsets.size;
  const invDim = 1 / real.dim;
  const sums = { xx: new Float64Array(count), yy: new Float64Array(count), xy: new Float64Array(count) };

  /** Σ_{i<j} over each subset's pairs, from the upper triangle (subsets are sorted, so the j > i of a subset follow i's position). */
  const selfSums = (side: Side, out: Float64Array) => (block: Float32Array, start: number, rowCount: number, columnStart: number) => {
    const width = side.set.count - columnStart;
    const { offsets, subsetIds, positions } = side.membership;
    const { indices } = side.subsets;
    const { shifts } = side;
    for (let r = 0; r < rowCount; r += 1) {
      const i = start + r;
      const offset = r * width - columnStart;
      const base = side.set.centreDots[i];
      for (let p = offsets[i]; p < offsets[i + 1]; p += 1) {
        const s = subsetIds[p];
        let sum = 0;
        for (let t = s * m + positions[p] + 1, end = (s + 1) * m; t < end; t += 1) {
          const u = (block[offset + indices[t]] + base + shifts[t]) * invDim + 1;
          sum += u * u * u;
        }
        out[s] += 2 * sum;
      }
    }
  };

  /** Σ_{i,j} over each real subset × generated subset, from full rows. */
  const crossSums = (block: Float32Array, start: number, rowCount: number) => {
    const columns = y.set.count;
    const { offsets, subsetIds } = x.membership;
    const { indices } = y.subsets;
    const { shifts } = y;
    for (let r = 0; r < rowCount; r += 1) {
      const i = start + r;
      const offset = r * columns;
      const base = x.set.centreDots[i];
      for (let p = offsets[i]; p < offsets[i + 1]; p += 1) {
        const s = subsetIds[p];
        let sum = 0;
        for (let t = s * m, end = t + m; t < end; t += 1) {
          const u = (block[offset + indices[t]] + base + shifts[t]) * invDim + 1;
          sum += u * u * u;
        }
        sums.xy[s] += sum;
      }
    }
  };

  const estimates = (): Float64Array =>
    Float64Array.from({ length: count }, (_, s) => (sums.xx[s] + sums.yy[s]) / (m * (m - 1)) - (2 * sums.xy[s]) / (m * m));

  return {
    realSelf: selfSums(x, sums.xx),
    generatedSelf: selfSums(y, sums.yy),
    cross: crossSums,
    estimates,
    result: () => {
      const values = estimates();
      let mean = 0;
      for (const v of values) mean += v / count;
      let variance = 0;
      for (const v of values) variance += (v - mean) ** 2 / count;
      return { mean, std: Math.sqrt(variance), subsets: count, subsetSize: m };
    },
  };
}

