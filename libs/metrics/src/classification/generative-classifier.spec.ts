import { describe, expect, it } from 'vitest';
import { createRng } from '@genlab/data';
import { ErrorCode } from '@genlab/errors';
import { empiricalLogPriors, generativeClassification, generativePosteriors, type ClassLogLikelihoods } from './generative-classifier';

/** Standard normal CDF through erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return 0.5 * (1 + (x >= 0 ? erf : -erf));
}

/**
 * Two 2-D Gaussians with a shared full covariance Σ = [[1, 0.5], [0.5, 2]], means (0, 0) and
 * (3, 2), priors 0.2 and 0.8. The Bayes classifier is linear: predict 1 iff s(x) = wᵀx + b > 0
 * with w = Σ⁻¹(μ1 − μ0), b = −½(μ1ᵀΣ⁻¹μ1 − μ0ᵀΣ⁻¹μ0) + log(π1/π0); under class k, s(x) is
 * normal with mean wᵀμk + b and variance Δ² = wᵀΣw, so the Bayes error is
 * π0 Φ((wᵀμ0 + b)/Δ) + π1 Φ(−(wᵀμ1 + b)/Δ).
 */
const COV = [1, 0.5, 0.5, 2];
const DET = COV[0]! * COV[3]! - COV[1]! * COV[2]!;
const INV = [COV[3]! / DET, -COV[1]! / DET, -COV[2]! / DET, COV[0]! / DET];
const MEANS = [
  [0, 0],
  [3, 2],
];
const PRIORS = [0.2, 0.8];
const CHOLESKY = [1, 0, 0.5, Math.sqrt(2 - 0.25)]; // L Lᵀ = Σ

const quadratic = (x: number, y: number) => x * (INV[0]! * x + INV[1]! * y) + y * (INV[2]! * x + INV[3]! * y);
const gaussianLogDensity = (x: number, y: number, mean: number[]) =>
  -Math.log(2 * Math.PI) - 0.5 * Math.log(DET) - 0.5 * quadratic(x - mean[0]!, y - mean[1]!);

const difference = [MEANS[1]![0]! - MEANS[0]![0]!, MEANS[1]![1]! - MEANS[0]![1]!];
const W = [INV[0]! * difference[0]! + INV[1]! * difference[1]!, INV[2]! * difference[0]! + INV[3]! * difference[1]!];
const DELTA = Math.sqrt(W[0]! * difference[0]! + W[1]! * difference[1]!);
const boundaryOffset = (priors: number[]) =>
  -0.5 * (quadratic(MEANS[1]![0]!, MEANS[1]![1]!) - quadratic(MEANS[0]![0]!, MEANS[0]![1]!)) + Math.log(priors[1]! / priors[0]!);
const score = (x: number, y: number, b: number) => W[0]! * x + W[1]! * y + b;

/** The closed-form error of the rule "predict 1 iff wᵀx + b > 0" on data with the true priors. */
function ruleError(b: number): number {
  return PRIORS[0]! * normalCdf(score(MEANS[0]![0]!, MEANS[0]![1]!, b) / DELTA) + PRIORS[1]! * normalCdf(-score(MEANS[1]![0]!, MEANS[1]![1]!, b) / DELTA);
}

function sampleTwoGaussians(n: number, seed: number): { points: Float64Array; labels: Int32Array } {
  const rng = createRng(seed);
  const points = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const label = rng.next() < PRIORS[0]! ? 0 : 1;
    const [z1, z2] = [rng.nextNormal(), rng.nextNormal()];
    points[2 * i] = MEANS[label]![0]! + CHOLESKY[0]! * z1;
    points[2 * i + 1] = MEANS[label]![1]! + CHOLESKY[2]! * z1 + CHOLESKY[3]! * z2;
    labels[i] = label;
  }
  return { points, labels };
}

function analyticLogLikelihoods(points: Float64Array): ClassLogLikelihoods {
  const count = points.length / 2;
  const values = new Float64Array(count * 2);
  for (let i = 0; i < count; i += 1) {
    for (let c = 0; c < 2; c += 1) values[i * 2 + c] = gaussianLogDensity(points[2 * i]!, points[2 * i + 1]!, MEANS[c]!);
  }
  return { values, count, numClasses: 2, estimator: 'exact' };
}

describe('generative classification', () => {
  it('classifies two well-separated 2-D Gaussians at the Bayes rate, with the Bayes posterior', () => {
    const n = 20_000;
    const { points, labels } = sampleTwoGaussians(n, 11);
    const result = generativeClassification(analyticLogLikelihoods(points), labels, { logPriors: PRIORS.map(Math.log) });

    const bayesError = ruleError(boundaryOffset(PRIORS));
    expect(bayesError).toBeGreaterThan(0.02);
    expect(bayesError).toBeLessThan(0.08);
    const tolerance = 4 * Math.sqrt((bayesError * (1 - bayesError)) / n); // binomial, 4 standard errors
    expect(Math.abs(result.metrics.accuracy - (1 - bayesError))).toBeLessThan(tolerance);

    // Every decision and posterior is the closed-form Bayes one: p(1 | x) = σ(wᵀx + b).
    const b = boundaryOffset(PRIORS);
    for (let i = 0; i < n; i += 1) {
      const s = score(points[2 * i]!, points[2 * i + 1]!, b);
      if (Math.abs(s) > 1e-9) expect(result.predictions[i]).toBe(s > 0 ? 1 : 0);
      expect(Math.exp(result.logPosteriors.values[2 * i + 1]!)).toBeCloseTo(1 / (1 + Math.exp(-s)), 9);
    }
    expect(result.estimator).toBe('exact');
    expect(result.priorSource).toBe('given');
  });

  it('uses the priors: uniform priors on 0.2 / 0.8 data land at the worse rate of their own boundary', () => {
    const n = 20_000;
    const { points, labels } = sampleTwoGaussians(n, 12);
    const uniform = generativeClassification(analyticLogLikelihoods(points), labels);
    expect(uniform.priorSource).toBe('uniform');
    const uniformError = ruleError(boundaryOffset([0.5, 0.5]));
    const bayesError = ruleError(boundaryOffset(PRIORS));
    expect(uniformError - bayesError).toBeGreaterThan(0.005);
    const tolerance = 4 * Math.sqrt((uniformError * (1 - uniformError)) / n);
    expect(Math.abs(uniform.metrics.accuracy - (1 - uniformError))).toBeLessThan(tolerance);
  });

  it('takes the priors from training-label frequencies by default when given training labels', () => {
    const trainLabels = Int32Array.from([0, 1, 1, 1, 2, 2, 1, 1]);
    expect(Array.from(empiricalLogPriors(trainLabels, 3))).toEqual([Math.log(1 / 8), Math.log(5 / 8), Math.log(2 / 8)]);
    expect(Array.from(empiricalLogPriors(trainLabels, 4, 1))).toEqual([2 / 12, 6 / 12, 3 / 12, 1 / 12].map(Math.log));
    expect(empiricalLogPriors(trainLabels, 4)[3]).toBe(-Infinity);

    // Equal likelihoods: the decision and the posterior are the prior's.
    const flat = { values: new Float64Array(6).fill(-3), count: 2, numClasses: 3, estimator: 'iwae-50' as const };
    const result = generativeClassification(flat, [1, 0], { trainLabels });
    expect(result.priorSource).toBe('empirical');
    expect(result.estimator).toBe('iwae-50');
    expect(Array.from(result.predictions)).toEqual([1, 1]);
    expect(result.metrics.accuracy).toBe(0.5);
    expect(result.metrics.nll).toBeCloseTo(-(Math.log(5 / 8) + Math.log(1 / 8)) / 2, 12);
  });

  it('normalises given priors, excludes a class with prior 0, and computes posteriors stably for huge log-likelihoods', () => {
    const logLikelihoods = { values: Float64Array.from([-5000, -5001, -4990, -2e4, -2e4 + 2, -2e4 + 1]), count: 2, numClasses: 3 };
    const { predictions, logPosteriors } = generativePosteriors(logLikelihoods, [Math.log(2), Math.log(2), -Infinity]);
    expect(Array.from(predictions)).toEqual([0, 1]);
    expect(Math.exp(logPosteriors.values[0]!)).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(logPosteriors.values[2]).toBe(-Infinity);

    const given = generativeClassification({ ...logLikelihoods, estimator: 'elbo' }, [0, 1], { logPriors: [0, 0, 0] });
    expect(Array.from(given.logPriors)).toEqual(Array(3).fill(-Math.log(3)));
    expect(Array.from(given.predictions)).toEqual([2, 1]);
  });

  it('refuses malformed input', () => {
    const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });
    const matrix = { values: new Float64Array(4), count: 2, numClasses: 2, estimator: 'exact' as const };
    expect(() => generativeClassification({ ...matrix, values: Float64Array.from([0, NaN, 0, 0]) }, [0, 1])).toThrow(invalid);
    expect(() => generativeClassification(matrix, [0, 2])).toThrow(invalid);
    expect(() => generativeClassification(matrix, [0, 1], { logPriors: [0] })).toThrow(invalid);
    expect(() => generativeClassification(matrix, [0, 1], { logPriors: [-Infinity, -Infinity] })).toThrow(invalid);
    expect(() => empiricalLogPriors([0, 5], 3)).toThrow(invalid);
  });
});
