import { createRng } from '@genlab/data';

/** Test helpers: seeded random matrices (row-major float64). */

export function gaussianMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: rows * cols }, () => rng.nextNormal());
}

/** A random n×n orthogonal matrix: Gram–Schmidt (twice, for orthogonality to rounding) on Gaussian rows. */
export function randomOrthogonal(n: number, seed: number): Float64Array {
  const q = gaussianMatrix(n, n, seed);
  for (let pass = 0; pass < 2; pass += 1) {
    for (let i = 0; i < n; i += 1) {
      for (let j = 0; j < i; j += 1) {
        let dot = 0;
        for (let c = 0; c < n; c += 1) dot += q[i * n + c] * q[j * n + c];
        for (let c = 0; c < n; c += 1) q[i * n + c] -= dot * q[j * n + c];
      }
      let norm = 0;
      for (let c = 0; c < n; c += 1) norm += q[i * n + c] ** 2;
      norm = Math.sqrt(norm);
      for (let c = 0; c < n; c += 1) q[i * n + c] /= norm;
    }
  }
  return q;
}

/** Qᵀ diag(values) Q for orthogonal Q (rows of Q are the eigenvectors). */
export function withEigenvalues(q: Float64Array, values: readonly number[]): Float64Array {
  const n = values.length;
  const m = new Float64Array(n * n);
  for (let k = 0; k < n; k += 1) {
    for (let i = 0; i < n; i += 1) {
      const f = values[k] * q[k * n + i];
      for (let j = 0; j < n; j += 1) m[i * n + j] += f * q[k * n + j];
    }
  }
  return m;
}

/** A random symmetric positive definite matrix G Gᵀ / n + shift · I. */
export function randomSpd(n: number, seed: number, shift = 0.1): Float64Array {
  const g = gaussianMatrix(n, n, seed);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      let dot = 0;
      for (let c = 0; c < n; c += 1) dot += g[i * n + c] * g[j * n + c];
      m[i * n + j] = dot / n + (i === j ? shift : 0);
    }
  }
  return m;
}
