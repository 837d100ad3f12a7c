import { describe, expect, it } from 'vitest';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { grid25, ring8, type SyntheticMixtureDataset } from './mixture.datasets';

/** Riemann sum of exp(logDensity) over [-half, half]² with spacing h, evaluated in row batches. */
const integrate = (ds: SyntheticMixtureDataset, half: number, h: number): number => {
  const n = Math.round((2 * half) / h);
  const row = new Float64Array(2 * n);
  let total = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      row[2 * i] = -half + (i + 0.5) * h;
      row[2 * i + 1] = -half + (j + 0.5) * h;
    }
    for (const logp of ds.logDensity(row)) total += Math.exp(logp);
  }
  return total * h * h;
};

/** Per-mode sample counts, means and pooled standard deviation around the true centres. */
const modeStats = (ds: SyntheticMixtureDataset, count: number, seed: number) => {
  const sample = ds.sample(count, seed);
  const k = ds.mixture.means.length;
  const counts = new Float64Array(k);
  const sumX = new Float64Array(k);
  const sumY = new Float64Array(k);
  let squares = 0;
  for (let i = 0; i < count; i++) {
    const label = sample.labels?.[i] as number;
    const [mx, my] = ds.mixture.means[label] as readonly [number, number];
    const x = sample.x[2 * i] as number;
    const y = sample.x[2 * i + 1] as number;
    counts[label] += 1;
    sumX[label] += x;
    sumY[label] += y;
    squares += (x - mx) ** 2 + (y - my) ** 2;
  }
  const means = Array.from(counts, (n, m) => [(sumX[m] as number) / n, (sumY[m] as number) / n] as const);
  return { sample, counts: Array.from(counts), means, std: Math.sqrt(squares / (2 * count)) };
};

describe('ring8', () => {
  it('places 8 centres on the circle of radius 2 at angles k·2π/8', () => {
    expect(ring8.mixture.means).toHaveLength(8);
    expect(ring8.mixture.means[0]).toEqual([2, 0]);
    const [x2, y2] = ring8.mixture.means[2] as readonly [number, number];
    const [x5, y5] = ring8.mixture.means[5] as readonly [number, number];
    expect([x2, y2]).toEqual([expect.closeTo(0, 12), expect.closeTo(2, 12)]);
    expect([x5, y5]).toEqual([expect.closeTo(-Math.SQRT2, 12), expect.closeTo(-Math.SQRT2, 12)]);
    expect(ring8.mixture.std).toBe(0.02);
  });

  it('samples equal mode frequencies, mode means at the centres and std 0.02', () => {
    const count = 80_000;
    const { sample, counts, means, std } = modeStats(ring8, count, 1);
    expect(sample.shape).toEqual([2]);
    expect(sample.numClasses).toBe(8);
    for (const c of counts) expect(Math.abs(c - count / 8)).toBeLessThan(5 * Math.sqrt(count / 8));
    means.forEach(([x, y], k) => {
      const [mx, my] = ring8.mixture.means[k] as readonly [number, number];
      expect(Math.abs(x - mx)).toBeLessThan(0.001);
      expect(Math.abs(y - my)).toBeLessThan(0.001);
    });
    expect(Math.abs(std - 0.02) / 0.02).toBeLessThan(0.01);
  });

  it('gives the same points for the same seed and different points for another', () => {
    expect(ring8.sample(100, 7)).toEqual(ring8.sample(100, 7));
    expect(Array.from(ring8.sample(100, 7).x)).not.toEqual(Array.from(ring8.sample(100, 8).x));
  });

  it('has log-density log(1/8) − log(2πσ²) at a centre and stays finite far away', () => {
    const [centre, far] = ring8.logDensity([2, 0, 100, -100]);
    expect(centre).toBeCloseTo(-Math.log(8) - Math.log(2 * Math.PI * 0.02 ** 2), 10);
    const nearest = -Math.log(8) - Math.log(2 * Math.PI * 0.0004) - ((100 - Math.SQRT2) ** 2 + (100 - Math.SQRT2) ** 2) / (2 * 0.0004);
    expect(far).toBeCloseTo(nearest, 4);
    expect(Number.isFinite(far)).toBe(true);
  });

  it('has a density that integrates to 1 on a grid over [-3, 3]²', () => {
    expect(integrate(ring8, 3, 0.01)).toBeCloseTo(1, 6);
  });

  it('refuses an odd number of coordinates', () => {
    expectInvalidArgument(() => ring8.logDensity([1, 2, 3]), 'points must be flat [x0, y0, x1, y1, …] pairs, got an odd length 3');
  });

  it('is frozen, so no caller can move the true distribution', () => {
    expect(Object.isFrozen(ring8)).toBe(true);
    expect(Object.isFrozen(ring8.mixture.means[0])).toBe(true);
  });
});

describe('grid25', () => {
  it('places 25 centres on {−4, −2, 0, 2, 4}² with std 0.05', () => {
    const xs = new Set(grid25.mixture.means.map(([x]) => x));
    const ys = new Set(grid25.mixture.means.map(([, y]) => y));
    expect([...xs].sort((a, b) => a - b)).toEqual([-4, -2, 0, 2, 4]);
    expect([...ys].sort((a, b) => a - b)).toEqual([-4, -2, 0, 2, 4]);
    expect(grid25.mixture.means).toHaveLength(25);
    expect(grid25.mixture.std).toBe(0.05);
  });

  it('samples every mode about equally with std 0.05', () => {
    const count = 100_000;
    const { counts, std } = modeStats(grid25, count, 3);
    for (const c of counts) expect(Math.abs(c - count / 25)).toBeLessThan(5 * Math.sqrt(count / 25));
    expect(Math.abs(std - 0.05) / 0.05).toBeLessThan(0.01);
  });

  it('has a density that integrates to 1 on a grid over [-5, 5]²', () => {
    expect(integrate(grid25, 5, 0.025)).toBeCloseTo(1, 6);
  });
});
