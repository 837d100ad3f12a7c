import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from './seeded.rng';

const draw = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it('repeats its sequence for the same seed and differs for another seed', () => {
    expect(draw(123, 100)).toEqual(draw(123, 100));
    expect(draw(123, 100)).not.toEqual(draw(124, 100));
    expect(draw(0, 10)).not.toEqual(draw(2 ** 32, 10));
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const values = draw(9, 200_000);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 3);
  });

  it('draws standard normals with mean 0, variance 1 and 4.55% beyond ±2', () => {
    const rng = createRng(5);
    const values = Array.from({ length: 200_000 }, () => rng.nextNormal());
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    const tails = values.filter((v) => Math.abs(v) > 2).length / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    expect(Math.abs(tails - 0.0455)).toBeLessThan(0.003);
  });

  it('derives distinct stream seeds per epoch', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, epoch) => deriveSeed(42, epoch)));
    expect(seeds.size).toBe(1000);
  });
});
