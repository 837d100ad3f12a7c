import { describe, expect, it } from 'vitest';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { gatherBatch } from './batch.gather';

describe('gatherBatch', () => {
  const ds = { shape: [2], count: 3, x: Float32Array.of(0, 1, 10, 11, 20, 21), labels: Int32Array.of(5, 6, 7), numClasses: 8 };

  it('copies the chosen examples and labels in index order', () => {
    const batch = gatherBatch(ds, Int32Array.of(2, 0));
    expect(Array.from(batch.x)).toEqual([20, 21, 0, 1]);
    expect(Array.from(batch.labels ?? [])).toEqual([7, 5]);
    expect(batch.count).toBe(2);
  });

  it('refuses an index outside the dataset', () => {
    expectInvalidArgument(() => gatherBatch(ds, [0, 3]), 'batch index 3 is outside [0, 3)');
  });
});
