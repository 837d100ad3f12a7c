import { invalidArgument } from '@genlab/errors';
import { assertDataShape } from './data-shape';

/** What is known of a stored dataset before any of it is loaded (from its stats). */
export interface DatasetSummary {
  /** Shape of one example. */
  readonly shape: readonly number[];
  readonly trainCount: number;
  /** Smallest and largest value over the data. */
  readonly min: number;
  readonly max: number;
  /** Number of label classes, when the dataset has labels. */
  readonly numClasses?: number;
}

/**
 * Families that can condition on labels say so with the boolean config field `conditional`;
 * such a model needs a dataset with labels of at least two classes.
 */
export function assertLabelsForConditioning(family: string, config: unknown, { numClasses }: DatasetSummary): void {
  const conditional = typeof config === 'object' && config !== null && (config as { conditional?: unknown }).conditional === true;
  if (conditional && !(numClasses !== undefined && numClasses >= 2)) {
    throw invalidArgument(
      `a class-conditional ${family} needs a labelled dataset (two or more classes); this one has ${numClasses === undefined ? 'no labels' : `${numClasses} class`}: import its labels, or set conditional to false`,
    );
  }
}

/** The config's `labelledExamples` (every family has the field), if set. */
export function labelledExamplesOf(config: unknown): number | undefined {
  const value = typeof config === 'object' && config !== null ? (config as { labelledExamples?: unknown }).labelledExamples : undefined;
  return typeof value === 'number' ? value : undefined;
}

/** A run on a labelled subset needs labels, and no more labelled examples than the training split holds. */
export function assertLabelledSubsetFits(config: unknown, { numClasses, trainCount }: DatasetSummary): void {
  const labelled = labelledExamplesOf(config);
  if (labelled === undefined) return;
  if (!(numClasses !== undefined && numClasses >= 2)) {
    throw invalidArgument(`config.labelledExamples: picks labelled examples, but this dataset has ${numClasses === undefined ? 'no labels' : `${numClasses} class`}: import its labels, or leave labelledExamples out`);
  }
  if (labelled > trainCount) {
    throw invalidArgument(`config.labelledExamples: ${labelled} is more than the ${trainCount} examples of the training split: use at most ${trainCount}`, {
      labelledExamples: labelled,
      trainCount,
    });
  }
}

/** INVALID_ARGUMENT unless the shape and value range are well formed (`trainCount` is the plan's to check). */
export function assertDatasetSummary({ shape, min, max }: DatasetSummary): void {
  assertDataShape(shape);
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw invalidArgument(`the dataset's value range [${min}, ${max}] is not a finite interval: it holds non-finite values`, { min, max });
  }
}

/**
 * A range bound for a message: three significant digits, or every digit when rounding would
 * hide that it lies outside [lo, hi] (1.0004 must not read as 1).
 */
export function formatBound(value: number, lo: number, hi: number): string {
  const short = Number(value.toPrecision(3));
  const outside = value < lo || value > hi;
  return outside && short >= lo && short <= hi ? String(value) : String(short);
}
