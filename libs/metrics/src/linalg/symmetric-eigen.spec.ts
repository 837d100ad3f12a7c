import { describe, expect, it } from 'vitest';
import { gaussianMatrix, randomOrthogonal, randomSpd, withEigenvalues } from '../testing/random-matrices';
import { frobeniusNorm, multiply } from './dense-matrix';
import { psdSqrt } from './psd-sqrt';
import { symmetricEigen, symmetricEigenvalues } from './symmetric-eigen';

/** ‖A − Vᵀ diag(λ) V‖_F / ‖A‖_F and ‖V Vᵀ − I‖_F for a decomposition. */
function residuals(a: Float64Array, n: number): { reconstruction: number; orthogonality: number; values: Float64Array } {
  const { values, vectors } = symmetricEigen(a, n);
  const rebuilt = withEigenvalues(vectors, Array.from(values));
  const diff = rebuilt.map((x, i) => x - a[i]);
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      let dot = 0;
      for (let c = 0; c < n; c += 1) dot += vectors[i * n + c] * vectors[j * n + c];
      gram[i * n + j] = dot - (i === j ? 1 : 0);
    }
  }
  return { reconstruction: frobeniusNorm(diff) / frobeniusNorm(a), orthogonality: frobeniusNorm(gram), values };
}

function symmetricGaussian(n: number, seed: number): Float64Array {
  const g = gaussianMatrix(n, n, seed);
  return g.map((_, k) => (g[k] + g[(k % n) * n + Math.floor(k / n)]) / 2);
}

describe('symmetricEigen', () => {
  it('recovers prescribed eigenvalues and orthonormal eigenvectors', () => {
    const n = 40;
    const expected = Array.from({ length: n }, (_, k) => k - 12.5 + (k % 3) * 0.25);
    const { reconstruction, orthogonality, values } = residuals(withEigenvalues(randomOrthogonal(n, 1), expected), n);
    expect(reconstruction).toBeLessThan(1e-13);
    expect(orthogonality).toBeLessThan(1e-12);
    const sorted = [...expected].sort((a, b) => a - b);
    values.forEach((v, k) => expect(v).toBeCloseTo(sorted[k], 11));
  });

  it('decomposes random symmetric matrices, with repeated eigenvalues and of every small size', () => {
    for (const n of [1, 2, 3, 7, 64]) {
      const { reconstruction, orthogonality } = residuals(symmetricGaussian(n, n), n);
      expect(reconstruction, `n = ${n}`).toBeLessThan(1e-13);
      expect(orthogonality, `n = ${n}`).toBeLessThan(1e-12);
    }
    const repeated = withEigenvalues(randomOrthogonal(12, 2), [3, 3, 3, 3, 1, 1, 1, 0, 0, 0, -2, -2]);
    expect(residuals(repeated, 12).reconstruction).toBeLessThan(1e-13);
    const zero = residuals(new Float64Array(9), 3);
    expect(Array.from(zero.values)).toEqual([0, 0, 0]);
    expect(zero.orthogonality).toBeLessThan(1e-15);
  });

  it('matches the 2×2 closed form and agrees with the eigenvalues-only path', () => {
    const [a, b, c] = [2, 1, 4]; // [[a, b], [b, c]]
    const mid = (a + c) / 2;
    const r = Math.hypot((a - c) / 2, b);
    expect(Array.from(symmetricEigenvalues(Float64Array.of(a, b, b, c), 2))).toEqual([expect.closeTo(mid - r, 14), expect.closeTo(mid + r, 14)]);
    const m = randomSpd(30, 5);
    const full = symmetricEigen(m, 30).values;
    symmetricEigenvalues(m, 30).forEach((v, k) => expect(v).toBeCloseTo(full[k], 12));
  });

  it('keeps tiny eigenvalues of a matrix with condition number 1e10 to absolute accuracy ε‖A‖', () => {
    const n = 16;
    const expected = Array.from({ length: n }, (_, k) => 10 ** (-10 * (k / (n - 1))));
    const { reconstruction, values } = residuals(withEigenvalues(randomOrthogonal(n, 3), expected), n);
    expect(reconstruction).toBeLessThan(1e-14);
    const sorted = [...expected].sort((a, b) => a - b);
    values.forEach((v, k) => expect(Math.abs(v - sorted[k])).toBeLessThan(1e-14));
  });
});

describe('psdSqrt', () => {
  it('squares back to a well-conditioned SPD matrix and has trace Σ√λ', () => {
    const expected = [4, 1, 0.25, 9, 2];
    const m = withEigenvalues(randomOrthogonal(5, 4), expected);
    const { root, traceOfRoot, residual } = psdSqrt(m, 5);
    expect(residual).toBeLessThan(1e-14);
    expect(traceOfRoot).toBeCloseTo(2 + 1 + 0.5 + 3 + Math.SQRT2, 12);
    const diff = multiply(root, root, 5).map((x, i) => x - m[i]);
    expect(frobeniusNorm(diff)).toBeLessThan(1e-13);
  });

  it('gives a finite root with a small residual for condition number 1e10 and for a singular matrix', () => {
    const n = 32;
    const q = randomOrthogonal(n, 6);
    const illConditioned = withEigenvalues(q, Array.from({ length: n }, (_, k) => 10 ** (-10 * (k / (n - 1)))));
    const singular = withEigenvalues(q, Array.from({ length: n }, (_, k) => (k < n / 2 ? 0 : k)));
    for (const m of [illConditioned, singular]) {
      const { root, residual, traceOfRoot } = psdSqrt(m, n);
      expect(root.every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(traceOfRoot)).toBe(true);
      expect(residual).toBeLessThan(1e-12);
    }
    const expectedTrace = Array.from({ length: n }, (_, k) => (k < n / 2 ? 0 : Math.sqrt(k))).reduce((a, b) => a + b, 0);
    expect(psdSqrt(singular, n).traceOfRoot).toBeCloseTo(expectedTrace, 6);
  });
});
