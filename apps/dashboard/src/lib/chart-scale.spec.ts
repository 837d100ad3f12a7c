import { describe, expect, it } from 'vitest';
import { formatTick, niceTicks, thin } from './chart-scale';

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(0, 2000, 5)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(niceTicks(93.2, 101.7, 5)).toEqual([94, 96, 98, 100]);
    expect(niceTicks(0.12, 0.2, 4)).toEqual([0.12, 0.14, 0.16, 0.18, 0.2]);
  });

  it('gives one tick for an empty range and none for non-finite bounds', () => {
    expect(niceTicks(3, 3, 5)).toEqual([3]);
    expect(niceTicks(0, Infinity, 5)).toEqual([]);
  });
});

describe('formatTick', () => {
  it('writes large values compactly and keeps four significant digits', () => {
    expect(formatTick(12_000)).toBe('12k');
    expect(formatTick(2_500_000)).toBe('2.5M');
    expect(formatTick(98.125)).toBe('98.13');
    expect(formatTick(0)).toBe('0');
    expect(formatTick(0.00012)).toBe('1.2e-4');
  });
});

describe('thin', () => {
  it('keeps short series whole', () => {
    expect(thin([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });

  it('keeps every k-th point and the last one', () => {
    const points = Array.from({ length: 10 }, (_, i) => i);
    expect(thin(points, 4)).toEqual([0, 3, 6, 9]);
    expect(thin(points, 3)).toEqual([0, 4, 8, 9]);
  });
});
