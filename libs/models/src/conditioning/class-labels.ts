import { SeededRng, deriveSeed, tf } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';

/** Most classes a conditional model takes (its one-hot label is an input of its networks). */
export const MAX_CLASSES = 1000;

/** 0 for an unconditional config; the number of classes (checked against [2, max]) for a conditional one. */
export function resolveNumClasses(family: string, conditional: boolean, numClasses: number | undefined, max = MAX_CLASSES): number {
  if (!conditional) return 0;
  if (numClasses === undefined || !Number.isInteger(numClasses) || numClasses < 2 || numClasses > max) {
    throw invalidArgument(
      `${family} with conditional: true needs the number of classes (an integer in [2, ${max}], got ${String(numClasses)}): ` +
        'train on a labelled dataset, or set conditional: false',
      { family, numClasses },
    );
  }
  return numClasses;
}

/**
 * One-hot labels `[n, K]` for a conditional model, from int32 classes `[n]`; INVALID_ARGUMENT
 * when they are missing or malformed. A class outside [0, K) becomes an all-zero row ("no
 * class"): checking the values would read them back from the backend.
 */
export function labelsOneHot(family: string, labels: tf.Tensor1D | undefined, n: number, numClasses: number): tf.Tensor2D {
  if (!labels || labels.rank !== 1 || labels.shape[0] !== n || labels.dtype !== 'int32') {
    throw invalidArgument(
      `labels: a conditional ${family} needs the examples' classes as an int32 tensor of shape [${n}]` +
        (labels ? `, got ${labels.dtype}[${labels.shape.join(', ')}]` : ', got none'),
      { family, numClasses },
    );
  }
  return tf.oneHot(labels, numClasses).toFloat() as tf.Tensor2D;
}

/**
 * The classes of `n` samples: `labels` if given (checked), otherwise drawn uniformly from a
 * stream derived from the sampling `seed` (so the same seed gives the same classes).
 */
export function sampleLabels(n: number, seed: number, numClasses: number, labels: Int32Array | undefined): Int32Array {
  if (labels === undefined) {
    const rng = new SeededRng(deriveSeed(seed, 'sample-labels'));
    return Int32Array.from({ length: n }, () => rng.nextUint32() % numClasses);
  }
  if (labels.length !== n || labels.some((c) => !Number.isInteger(c) || c < 0 || c >= numClasses)) {
    throw invalidArgument(`labels: must hold ${n} classes in [0, ${numClasses - 1}]`, { n, numClasses });
  }
  return labels;
}
