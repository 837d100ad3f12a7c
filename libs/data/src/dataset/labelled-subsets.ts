import { invalidArgument } from '@genlab/errors';
import { checkSeed, createRng, deriveSeed, type SeededRng } from '../random/seeded.rng';
import { gatherBatch } from './batch.gather';
import type { TensorDataset } from './tensor-dataset.types';

/** Label counts of the data-efficiency sweep (issue 10: MNIST-10k with 100 … 8,000 labels). */
export const DATA_EFFICIENCY_SIZES: readonly number[] = [100, 300, 1000, 3000, 8000];

/** The random stream of subset selection (classes 0, 1, … shuffle on their own sub-streams, the class order on -1). */
const SUBSET_STREAM = 0x1abe1;

export interface LabelledSubset {
  /** Number of labelled examples. */
  readonly size: number;
  /** Indices into the labels (the train split), ascending. */
  readonly indices: Int32Array;
  /** Examples per class in the subset. */
  readonly classCounts: Int32Array;
}

/**
 * Nested, class-balanced labelled subsets of a training split for the data-efficiency sweep:
 * one subset per requested size that fits (sizes above `labels.length` are left out; the
 * result is in increasing size), each contained in the next.
 *
 * Construction: each class's indices are shuffled (seeded Fisher–Yates), then taken round by
 * round, one per class per round, in a class order reshuffled every round, until a class runs
 * out; subset s is the first s indices of that sequence. So within any subset the class counts
 * differ by at most one, except that a class with fewer examples than its share contributes all
 * it has. Same labels, sizes and seed: same subsets; another seed gives other subsets.
 */
export function dataEfficiencySubsets(
  labels: ArrayLike<number>,
  sizes: readonly number[] = DATA_EFFICIENCY_SIZES,
  seed = 0,
): LabelledSubset[] {
  checkSeed(seed);
  if (seed < 0) throw invalidArgument(`seed must be a non-negative integer, got ${seed}`, { seed });
  if (labels.length < 1) throw invalidArgument('labels: needs at least one label');
  let numClasses = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0) throw invalidArgument(`labels: label ${i} is ${label}, not a class index`);
    numClasses = Math.max(numClasses, label + 1);
  }
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 1) throw invalidArgument(`sizes: must be positive integers, got ${size}`);
  }
  const fitting = [...new Set(sizes)].filter((size) => size <= labels.length).sort((a, b) => a - b);
  if (fitting.length === 0) return [];

  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i += 1) byClass[labels[i]].push(i);
  byClass.forEach((indices, c) => shuffle(indices, createRng(deriveSeed(seed, SUBSET_STREAM, c))));

  const orderRng = createRng(deriveSeed(seed, SUBSET_STREAM, -1));
  const largest = fitting[fitting.length - 1];
  const sequence: number[] = [];
  const classes = Array.from({ length: numClasses }, (_, c) => c);
  for (let round = 0; sequence.length < largest; round += 1) {
    shuffle(classes, orderRng);
    for (const c of classes) {
      if (round < byClass[c].length && sequence.length < largest) sequence.push(byClass[c][round]);
    }
  }

  return fitting.map((size) => {
    const indices = Int32Array.from(sequence.slice(0, size)).sort();
    const classCounts = new Int32Array(numClasses);
    for (const index of indices) classCounts[labels[index]] += 1;
    return { size, indices, classCounts };
  });
}

function shuffle(values: number[], rng: SeededRng): void {
  for (let i = values.length - 1; i > 0; i -= 1) {
    const j = rng.nextInt(i + 1);
    [values[i], values[j]] = [values[j], values[i]];
  }
}

/**
 * The `size` labelled examples a data-efficiency run trains on: the class-balanced subset
 * `dataEfficiencySubsets(labels, [size], seed)` picks, copied out in index order. INVALID_ARGUMENT
 * when the data has no labels or fewer than `size` examples. The training service and the
 * evaluation's discriminative baseline both call this, so they see the same examples.
 */
export function takeLabelledSubset(data: TensorDataset, size: number, seed: number): TensorDataset {
  if (!data.labels) throw invalidArgument('a labelled subset needs a dataset with labels', { size });
  if (!Number.isInteger(size) || size < 1 || size > data.count) {
    throw invalidArgument(`labelledExamples: must be an integer in [1, ${data.count}] (the training split's size), got ${size}`, { size, count: data.count });
  }
  const [subset] = dataEfficiencySubsets(data.labels, [size], seed) as [LabelledSubset];
  const batch = gatherBatch(data, subset.indices);
  return { shape: data.shape, count: batch.count, x: batch.x, labels: batch.labels, numClasses: data.numClasses };
}
