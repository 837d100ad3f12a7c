/** Square n×n float64 matrices, row-major: entry (i, j) is `m[i * n + j]`. */

/** Rows per tile of `multiplyByTranspose`: two tiles of rows stay in cache while every pair is dotted. */
const TILE = 32;

export function transpose(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) out[j * n + i] = a[i * n + j];
  }
  return out;
}

/**
 * a · bᵀ, i.e. out[i][j] = row i of a · row j of b: every inner product runs along rows.
 * Tiled, with two rows of each operand at a time (four running sums per pass). With
 * `symmetric`, only j ≥ i is computed and mirrored: for products known to be symmetric,
 * which then come out exactly symmetric.
 */
export function multiplyByTranspose(a: Float64Array, b: Float64Array, n: number, symmetric = false): Float64Array {
  const out = new Float64Array(n * n);
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let j0 = symmetric ? i0 : 0; j0 < n; j0 += TILE) {
      const j1 = Math.min(n, j0 + TILE);
      for (let i = i0; i < i1; i += 2) {
        const ra = i * n;
        const rb = i + 1 < i1 ? ra + n : ra; // an odd last row is computed twice, harmlessly
        for (let j = j0; j < j1; j += 2) {
          const sa = j * n;
          const sb = j + 1 < j1 ? sa + n : sa;
          let s00 = 0;
          let s01 = 0;
          let s10 = 0;
          let s11 = 0;
          for (let k = 0; k < n; k += 1) {
            const x0 = a[ra + k];
            const x1 = a[rb + k];
            const y0 = b[sa + k];
            const y1 = b[sb + k];
            s00 += x0 * y0;
            s01 += x0 * y1;
            s10 += x1 * y0;
            s11 += x1 * y1;
          }
          out[i * n + j] = s00;
          if (j + 1 < j1) out[i * n + j + 1] = s01;
          if (i + 1 < i1) {
            out[(i + 1) * n + j] = s10;
            if (j + 1 < j1) out[(i + 1) * n + j + 1] = s11;
          }
        }
      }
    }
  }
  if (symmetric) {
    for (let i = 0; i < n; i += 1) {
      for (let j = 0; j < i; j += 1) out[i * n + j] = out[j * n + i];
    }
  }
  return out;
}

/** a · b. */
export function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  return multiplyByTranspose(a, transpose(b, n), n);
}

export function trace(m: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i += 1) sum += m[i * n + i];
  return sum;
}

export function frobeniusNorm(m: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < m.length; i += 1) scale = Math.max(scale, Math.abs(m[i]));
  if (scale === 0) return 0;
  let sum = 0;
  for (let i = 0; i < m.length; i += 1) sum += (m[i] / scale) ** 2;
  return scale * Math.sqrt(sum);
}

/** ‖a − b‖_F / ‖b‖_F, or ‖a − b‖_F when b = 0. */
export function relativeDifference(a: Float64Array, b: Float64Array): number {
  const diff = new Float64Array(a.length);
  for (let i = 0; i < a.length; i += 1) diff[i] = a[i] - b[i];
  const norm = frobeniusNorm(b);
  return norm === 0 ? frobeniusNorm(diff) : frobeniusNorm(diff) / norm;
}
