import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { SeededRng, deriveSeed } from './seeded-rng';

describe('SeededRng', () => {
  it('repeats its sequence for the same seed and resumes from a saved state', () => {
    const a = new SeededRng(42);
    const b = new SeededRng(42);
    const first = [a.nextUint32(), a.nextUint32(), a.nextUint32()];
    expect([b.nextUint32(), b.nextUint32(), b.nextUint32()]).toEqual(first);

    const resumed = SeededRng.fromState(a.getState());
    expect(resumed.nextSeed()).toBe(a.nextSeed());
    expect(new SeededRng(43).nextUint32()).not.toBe(first[0]);
  });

  it('draws floats in [0, 1) with a plausible mean', () => {
    const rng = new SeededRng(7);
    let sum = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const u = rng.nextFloat();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });

  it('rejects seeds that are not uint32 integers', () => {
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN]) {
      expect(() => new SeededRng(bad)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
    }
  });
});

describe('deriveSeed', () => {
  it('is stable per label path and differs between paths', () => {
    expect(deriveSeed(1, 'init', 'encoder.0.kernel')).toBe(deriveSeed(1, 'init', 'encoder.0.kernel'));
    const seeds = new Set([
      deriveSeed(1, 'init', 'encoder.0.kernel'),
      deriveSeed(1, 'init', 'encoder.0.bias'),
      deriveSeed(2, 'init', 'encoder.0.kernel'),
      deriveSeed(1, 'init'),
      deriveSeed(1, 1),
      deriveSeed(1, '1'),
    ]);
    expect(seeds.size).toBe(6);
  });
});
