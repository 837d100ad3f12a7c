import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute } from '@genlab/compute';
import { createRng } from '@genlab/data';
import { ErrorCode } from '@genlab/errors';
import { featureMatrix, type FeatureMatrix } from '../features/feature-matrix';
import { expectNoTensorLeak } from '../testing/no-tensor-leak';
import { parzenLogLikelihood } from './parzen-window';

/** Points of a 2-cluster mixture in `dim` dimensions, spread `spread`, seeded. */
function clusters(n: number, dim: number, seed: number, spread: number): FeatureMatrix {
  const rng = createRng(seed);
  const values = new Float32Array(n * dim);
  for (let i = 0; i < n; i += 1) {
    const centre = i % 2 === 0 ? 1 : -1;
    for (let c = 0; c < dim; c += 1) values[i * dim + c] = centre * (c === 0 ? 2 : 0) + spread * rng.nextNormal();
  }
  return featureMatrix(values, n, dim);
}

/** log p_σ(x) by a double loop in float64, with a max-subtracted log-sum-exp. */
function bruteLogLikelihoods(samples: FeatureMatrix, points: FeatureMatrix, sigma: number): number[] {
  const { dim } = samples;
  return Array.from({ length: points.count }, (_, i) => {
    const terms = Array.from({ length: samples.count }, (_, j) => {
      let d2 = 0;
      for (let c = 0; c < dim; c += 1) d2 += (points.values[i * dim + c] - samples.values[j * dim + c]) ** 2;
      return -d2 / (2 * sigma * sigma);
    });
    const max = Math.max(...terms);
    const lse = max + Math.log(terms.reduce((sum, t) => sum + Math.exp(t - max), 0));
    return lse - Math.log(samples.count) - (dim / 2) * Math.log(2 * Math.PI * sigma * sigma);
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('parzenLogLikelihood', () => {
  beforeAll(async () => {
    await initCompute({ logger: false });
  });

  const sets = { samples: clusters(60, 3, 1, 0.5), validation: clusters(25, 3, 2, 0.5), test: clusters(31, 3, 3, 0.5) };
  const sigmas = [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2];

  it('matches a brute-force computation and picks the σ with the best validation score', async () => {
    const got = await parzenLogLikelihood(sets, { sigmas, maxBlockElements: 4 * 60 });
    const validation = sigmas.map((sigma) => mean(bruteLogLikelihoods(sets.samples, sets.validation, sigma)));
    got.grid.forEach((entry, s) => {
      expect(entry.sigma).toBe(sigmas[s]);
      expect(entry.validationLogLikelihood).toBeCloseTo(validation[s], 4);
    });
    const best = validation.indexOf(Math.max(...validation));
    expect(best, 'the optimum is inside the grid, not at an edge').toBeGreaterThan(0);
    expect(best).toBeLessThan(sigmas.length - 1);
    expect(got.sigma).toBe(sigmas[best]);
    const test = bruteLogLikelihoods(sets.samples, sets.test, sigmas[best]);
    expect(got.test.mean).toBeCloseTo(mean(test), 4);
    expect(got.test.n).toBe(31);
    const std = Math.sqrt(test.reduce((a, v) => a + (v - mean(test)) ** 2, 0) / (test.length - 1));
    expect(got.test.stdError).toBeCloseTo(std / Math.sqrt(test.length), 4);
  });

  it('stays finite for points far from every sample (log-sum-exp, no underflow)', async () => {
    const far = featureMatrix(Float32Array.of(40, 40, 40), 1, 3);
    const got = await parzenLogLikelihood({ ...sets, validation: far, test: far }, { sigmas: [0.05, 0.1] });
    expect(Number.isFinite(got.test.mean)).toBe(true);
    const expected = bruteLogLikelihoods(sets.samples, far, got.sigma)[0]; // ≈ −2·10⁵
    expect(Math.abs(got.test.mean - expected)).toBeLessThan(1e-6 * Math.abs(expected)); // float32 distances
  });

  it('refuses bad bandwidths and mismatched sets, and leaves no tensors behind', async () => {
    await expect(parzenLogLikelihood(sets, { sigmas: [] })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(parzenLogLikelihood(sets, { sigmas: [0.1, 0] })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, message: 'sigmas: every σ must be finite and > 0, got 0' });
    await expect(parzenLogLikelihood({ ...sets, test: clusters(5, 2, 1, 1) })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, message: 'samples has 3 features per row but test has 2' });
    await expectNoTensorLeak(() => parzenLogLikelihood(sets, { sigmas, maxBlockElements: 500 }));
  });
});
