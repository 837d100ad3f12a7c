import { describe, expect, it } from 'vitest';
import { createRng } from '../random/seeded.rng';
import { filterCost, filterCostBelow, filterRow } from './png-filter.util';

/** Rows of three kinds: noise, a flat background with a few dots, and a smooth ramp. */
const rows = (length: number, seed: number): Uint8Array[] => {
  const rng = createRng(seed);
  const noise = Uint8Array.from({ length }, () => rng.nextInt(256));
  const flat = new Uint8Array(length).fill(255);
  for (let i = 0; i < 5; i++) flat[rng.nextInt(length)] = rng.nextInt(256);
  const ramp = Uint8Array.from({ length }, (_, i) => (i * 3 + seed) & 0xff);
  return [noise, flat, ramp];
};

describe('filterCostBelow', () => {
  it.each([1, 2, 3, 4])('is the filtered row\'s cost when below the limit, and at least the limit otherwise (bpp %i)', (bpp) => {
    for (let seed = 0; seed < 4; seed++) {
      for (const row of rows(bpp * 37, seed)) {
        for (const prev of [...rows(bpp * 37, seed + 10), new Uint8Array(bpp * 37)]) {
          for (let type = 0; type <= 4; type++) {
            const filtered = new Uint8Array(row.length);
            filterRow(type, row, prev, bpp, filtered);
            const cost = filterCost(filtered);
            expect(filterCostBelow(type, row, prev, bpp, Infinity)).toBe(cost);
            expect(filterCostBelow(type, row, prev, bpp, cost + 1)).toBe(cost);
            for (const limit of [0, 1, Math.floor(cost / 2), cost]) expect(filterCostBelow(type, row, prev, bpp, limit)).toBeGreaterThanOrEqual(limit);
          }
        }
      }
    }
  });
});
