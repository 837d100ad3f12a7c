import { invalidArgument } from '@genlab/errors';
import { createRng, deriveSeed, checkSeed } from '../random/seeded.rng';

export interface EpochShufflerOptions {
  readonly count: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Drop the last batch when it is smaller than batchSize; default false. */
  readonly dropLast?: boolean;
}

export interface EpochShuffler {
  readonly batchesPerEpoch: number;
  /** The permutation of [0, count) used in `epoch`; a pure function of (seed, epoch). */
  permutation(epoch: number): Int32Array;
  /** The epoch's index batches, in order; each is a view into that epoch's permutation. */
  batches(epoch: number): Generator<Int32Array, void, undefined>;
}

export const createEpochShuffler = (options: EpochShufflerOptions): EpochShuffler => {
  const { count, batchSize, seed, dropLast = false } = options;
  if (!Number.isInteger(count) || count < 0) throw invalidArgument(`count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw invalidArgument(`batchSize must be a positive integer, got ${batchSize}`);
  }
  checkSeed(seed);
  const batchesPerEpoch = dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);

  const permutation = (epoch: number): Int32Array => {
    if (!Number.isInteger(epoch) || epoch < 0) throw invalidArgument(`epoch must be a non-negative integer, got ${epoch}`);
    const rng = createRng(deriveSeed(seed, epoch));
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    for (let i = count - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const tmp = order[i] as number;
      order[i] = order[j] as number;
      order[j] = tmp;
    }
    return order;
  };

  function* batches(epoch: number): Generator<Int32Array, void, undefined> {
    const order = permutation(epoch);
    for (let b = 0; b < batchesPerEpoch; b++) {
      yield order.subarray(b * batchSize, Math.min(count, (b + 1) * batchSize));
    }
  }

  return { batchesPerEpoch, permutation, batches };
};
