import { describe, expect, it } from 'vitest';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { createEpochShuffler } from './epoch.shuffler';

const collect = (batches: Iterable<Int32Array>) => Array.from(batches, (batch) => Array.from(batch));

describe('createEpochShuffler', () => {
  it('yields the same batches for the same seed and epoch, from independent shufflers', () => {
    const a = createEpochShuffler({ count: 1000, batchSize: 128, seed: 42 });
    const b = createEpochShuffler({ count: 1000, batchSize: 128, seed: 42 });
    expect(collect(a.batches(3))).toEqual(collect(b.batches(3)));
    expect(collect(a.batches(3))).toEqual(collect(a.batches(3)));
  });

  it('gives a different order for another epoch or another seed', () => {
    const a = createEpochShuffler({ count: 1000, batchSize: 100, seed: 42 });
    const b = createEpochShuffler({ count: 1000, batchSize: 100, seed: 43 });
    expect(Array.from(a.permutation(0))).not.toEqual(Array.from(a.permutation(1)));
    expect(Array.from(a.permutation(0))).not.toEqual(Array.from(b.permutation(0)));
  });

  it('visits every index exactly once per epoch, in batches of batchSize and a smaller last one', () => {
    const shuffler = createEpochShuffler({ count: 1000, batchSize: 128, seed: 7 });
    const batches = collect(shuffler.batches(0));
    expect(shuffler.batchesPerEpoch).toBe(8);
    expect(batches.map((b) => b.length)).toEqual([128, 128, 128, 128, 128, 128, 128, 104]);
    expect(batches.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('drops the short last batch when asked', () => {
    const shuffler = createEpochShuffler({ count: 1000, batchSize: 128, seed: 7, dropLast: true });
    expect(shuffler.batchesPerEpoch).toBe(7);
    expect(collect(shuffler.batches(0)).every((b) => b.length === 128)).toBe(true);
  });

  it('moves each index to each position about equally often', () => {
    const shuffler = createEpochShuffler({ count: 4, batchSize: 4, seed: 1 });
    const firsts = new Int32Array(4);
    for (let epoch = 0; epoch < 4000; epoch++) firsts[shuffler.permutation(epoch)[0] as number] += 1;
    for (const count of firsts) expect(count).toBeGreaterThan(900);
  });

  it('refuses invalid sizes, seeds and epochs', () => {
    expectInvalidArgument(() => createEpochShuffler({ count: 10, batchSize: 0, seed: 1 }), 'batchSize must be a positive integer, got 0');
    expectInvalidArgument(() => createEpochShuffler({ count: 10, batchSize: 2, seed: 0.5 }), 'seed must be an integer, got 0.5');
    expectInvalidArgument(() => createEpochShuffler({ count: 10, batchSize: 2, seed: 1 }).permutation(-1), 'epoch must be a non-negative integer, got -1');
  });
});
