import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { meanAndStdError } from './mean-std-error';
import { bitsPerDimToNats, natsToBitsPerDim } from './units';

describe('meanAndStdError', () => {
  it('matches hand-computed values', () => {
    // mean 2.5; sample variance (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3; se = √(5/3) / 2
    const r = meanAndStdError([1, 2, 3, 4]);
    expect(r.mean).toBe(2.5);
    expect(r.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(r.stdError).toBeCloseTo(0.6454972243679028, 12);
    expect(r.n).toBe(4);
    expect(meanAndStdError(new Float64Array([-90, -100, -110])).stdError).toBeCloseTo(10 / Math.sqrt(3), 12);
  });

  it('is exact for constant data and precise for large offsets', () => {
    expect(meanAndStdError([7, 7, 7]).stdError).toBe(0);
    const r = meanAndStdError([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    expect(r.mean).toBe(1e9 + 2);
    expect(r.std).toBeCloseTo(1, 9);
  });

  it('has no standard error for one value and refuses none', () => {
    expect(meanAndStdError([5])).toMatchObject({ mean: 5, stdError: Number.NaN, n: 1 });
    expect(() => meanAndStdError([])).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});

describe('bits per dimension', () => {
  it('converts nats per example to bits per dimension and back', () => {
    expect(natsToBitsPerDim(784 * Math.LN2, 784)).toBeCloseTo(1, 12);
    // 95.3 nats on 28×28 MNIST = 95.3 / (784 · 0.693147…) ≈ 0.17537 bits/dim
    expect(natsToBitsPerDim(95.3, 784)).toBeCloseTo(0.175369, 5);
    expect(bitsPerDimToNats(natsToBitsPerDim(123.4, 3072), 3072)).toBeCloseTo(123.4, 10);
    expect(() => natsToBitsPerDim(1, 0)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});
