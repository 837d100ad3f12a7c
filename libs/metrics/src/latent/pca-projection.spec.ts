import { describe, expect, it } from 'vitest';
import { createRng } from '@genlab/data';
import { ErrorCode } from '@genlab/errors';
import { randomOrthogonal } from '../testing/random-matrices';
import { pcaProjection } from './pca-projection';

const DIM = 6;

/** Rows mean + 3·a·u1 + b·u2 (+ noise·e in the other directions) with a, b, e standard normal, u1, u2 orthonormal. */
function planeData(count: number, seed: number, noise = 0) {
  const basis = randomOrthogonal(DIM, seed); // rows: u1, u2, then the orthogonal complement
  const mean = [1, -2, 3, 0.5, 0, 4];
  const rng = createRng(seed + 1);
  const values = new Float64Array(count * DIM);
  for (let i = 0; i < count; i += 1) {
    const coefficients = [3 * rng.nextNormal(), rng.nextNormal(), ...Array.from({ length: DIM - 2 }, () => noise * rng.nextNormal())];
    for (let j = 0; j < DIM; j += 1) {
      let value = mean[j]!;
      for (let k = 0; k < DIM; k += 1) value += coefficients[k]! * basis[k * DIM + j]!;
      values[i * DIM + j] = value;
    }
  }
  return { features: { values, count, dim: DIM }, basis };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((sum, v, i) => sum + v * b[i]!, 0);

describe('pcaProjection', () => {
  it('recovers the plane of data lying in a 2-D subspace, and the projection reconstructs the data', () => {
    const { features, basis } = planeData(500, 3);
    const pca = pcaProjection(features);
    const u1 = basis.subarray(0, DIM);
    const u2 = basis.subarray(DIM, 2 * DIM);
    const axis1 = pca.axes.subarray(0, DIM);
    const axis2 = pca.axes.subarray(DIM, 2 * DIM);
    // Each axis lies in span{u1, u2}: its projection onto the plane has unit length.
    for (const axis of [axis1, axis2]) expect(dot(axis, u1) ** 2 + dot(axis, u2) ** 2).toBeCloseTo(1, 10);
    // The variances differ (9 vs 1), so the axes are u1 and u2 themselves, up to sign.
    expect(Math.abs(dot(axis1, u1))).toBeCloseTo(1, 2);
    expect(dot(axis1, axis2)).toBeCloseTo(0, 12);
    expect(pca.explainedVarianceRatio[0]! + pca.explainedVarianceRatio[1]!).toBeCloseTo(1, 10);
    expect(pca.explainedVariance[0]! / pca.explainedVariance[1]!).toBeGreaterThan(6);

    for (let i = 0; i < features.count; i += 1) {
      for (let j = 0; j < DIM; j += 1) {
        const rebuilt = pca.mean[j]! + pca.points[2 * i]! * axis1[j]! + pca.points[2 * i + 1]! * axis2[j]!;
        expect(rebuilt).toBeCloseTo(features.values[i * DIM + j]!, 9);
      }
    }
    // Projected coordinates are centred with the explained variances (n − 1 denominator).
    const variance = (k: number) => Array.from({ length: 500 }, (_, i) => pca.points[2 * i + k]! ** 2).reduce((a, b) => a + b) / 499;
    expect(variance(0)).toBeCloseTo(pca.explainedVariance[0]!, 9);
    expect(variance(1)).toBeCloseTo(pca.explainedVariance[1]!, 9);
  });

  it('orients each axis so that its largest-magnitude entry is positive', () => {
    const { features } = planeData(200, 5, 0.1);
    const pca = pcaProjection(features);
    for (let k = 0; k < 2; k += 1) {
      const axis = Array.from(pca.axes.subarray(k * DIM, (k + 1) * DIM));
      const largest = axis.reduce((best, v, j) => (Math.abs(v) > Math.abs(axis[best]!) ? j : best), 0);
      expect(axis[largest]).toBeGreaterThan(0);
    }
    expect(pca.explainedVarianceRatio[0]! + pca.explainedVarianceRatio[1]!).toBeLessThan(1);
    expect(pca.explainedVarianceRatio[0]! + pca.explainedVarianceRatio[1]!).toBeGreaterThan(0.98);
  });

  it('gives a zero second axis for 1-D features and refuses malformed input', () => {
    const pca = pcaProjection({ values: Float64Array.from([1, 2, 4]), count: 3, dim: 1 });
    expect(Array.from(pca.axes)).toEqual([1, 0]);
    [-4 / 3, 0, -1 / 3, 0, 5 / 3, 0].forEach((expected, i) => expect(pca.points[i]).toBeCloseTo(expected, 12));
    expect(pca.explainedVarianceRatio[1]).toBe(0);
    expect(() => pcaProjection({ values: Float64Array.from([1, NaN]), count: 1, dim: 2 })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});
