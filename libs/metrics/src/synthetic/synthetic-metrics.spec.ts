import { describe, expect, it } from 'vitest';
import { grid25, mixtureLogDensity, ring8 } from '@genlab/data';
import { ErrorCode } from '@genlab/errors';
import { modeCoverage } from './mode-coverage';
import { klTrueToModel, trueDensityNll } from './true-density-metrics';

describe('modeCoverage', () => {
  const square = [[0, 0], [10, 0], [0, 10], [10, 10]] as const;

  it('counts high-quality samples (≤ 3σ from the nearest centre) and the modes they cover', () => {
    const points = [
      0.5, 0.5, // mode 0, inside
      3, 0, // mode 0, exactly 3σ: inside
      10, 2.9, // mode 1, inside
      9, 9, // mode 3, inside (√2)
      5, 5, // equidistant, 7.07 from all: outside
      0, 3.01, // nearest mode 0 but outside
      -20, -20, // far outside
      10.2, 0.1, // mode 1 again
    ];
    expect(modeCoverage(points, square, 1)).toEqual({ highQualityFraction: 5 / 8, modesCovered: 3, modeCount: 4 });
    // Within 8σ everything but (−20, −20) counts; (5, 5) ties and goes to the first centre.
    expect(modeCoverage(points, square, 1, { threshold: 8 })).toEqual({ highQualityFraction: 7 / 8, modesCovered: 3, modeCount: 4 });
  });

  it('sees all 8 modes of ring8 samples and a dropped mode', () => {
    const sample = ring8.sample(2000, 1);
    // P(‖z‖ ≤ 3) for a 2-D standard normal is 1 − e^{−9/2} ≈ 0.989.
    expect(modeCoverage(sample.x, ring8.mixture.means, ring8.mixture.std)).toEqual({ highQualityFraction: expect.closeTo(0.989, 2), modesCovered: 8, modeCount: 8 });
    const withoutMode3 = sample.x.filter((_, i) => sample.labels?.[Math.floor(i / 2)] !== 3);
    expect(modeCoverage(withoutMode3, ring8.mixture.means, ring8.mixture.std).modesCovered).toBe(7);
    expect(modeCoverage(grid25.sample(5000, 2).x, grid25.mixture.means, grid25.mixture.std).modesCovered).toBe(25);
  });

  it('refuses an odd number of coordinates, no points and σ ≤ 0', () => {
    expect(() => modeCoverage([1, 2, 3], square, 1)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
    expect(() => modeCoverage([], square, 1)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
    expect(() => modeCoverage([1, 2], square, 0)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, message: 'std: must be finite and > 0, got 0' }));
  });
});

describe('true-density metrics', () => {
  it('KL(true ‖ true) is 0, and KL to a wider mixture matches its closed-form gap', () => {
    const points = ring8.sample(5000, 3).x;
    expect(klTrueToModel(ring8, points, ring8.logDensity(points)).mean).toBe(0);
    // Model: the same centres with std 0.04. Per point, log p − log q; its mean is ≈ the KL between
    // the isotropic Gaussians around each mode, ln(σq²/σp²) + σp²/σq² − 1 = ln 4 + 1/4 − 1 ≈ 0.636 nats.
    const wider = { ...ring8.mixture, std: 0.04 };
    const kl = klTrueToModel(ring8, points, mixtureLogDensity(wider, points));
    expect(Math.abs(kl.mean - (Math.log(4) - 0.75))).toBeLessThan(4 * kl.stdError);
    expect(kl.stdError).toBeGreaterThan(0);
  });

  it("averages −log p_true over the model's samples", () => {
    const samples = [2, 0, 0, 2, 1, 1];
    const nll = trueDensityNll(ring8, samples);
    const expected = Array.from(ring8.logDensity(samples), (v) => -v);
    expect(nll.mean).toBeCloseTo(expected.reduce((a, b) => a + b, 0) / 3, 9);
    expect(nll.n).toBe(3);
    expect(trueDensityNll(grid25, [0, 0]).mean).toBeCloseTo(Math.log(25) + Math.log(2 * Math.PI * 0.05 ** 2), 6);
  });

  it('refuses mismatched counts and non-finite model log-densities', () => {
    expect(() => klTrueToModel(ring8, [2, 0, 0, 2], [1])).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, message: 'modelLogDensity: has 1 values for 2 points' }));
    expect(() => klTrueToModel(ring8, [2, 0], [-Infinity])).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});
