import { invalidArgument } from '@genlab/errors';
import type { FeatureMatrix } from '../features/feature-matrix';
import { integerAtLeast } from '../validation';
import { assertLabels, type ClassMatrix } from './class-matrix';
import { minimizeLbfgs } from './lbfgs';

export interface LogisticRegressionOptions {
  /** L2 penalty λ on the weights (not the biases), in the mean-loss objective below (default 1e-4). */
  readonly l2?: number;
  /** L-BFGS iterations at most (default 500). */
  readonly maxIterations?: number;
  /** Stop when every partial derivative of the objective is at most this (default 1e-6). */
  readonly gradientTolerance?: number;
  /** After each L-BFGS iteration; throw (e.g. CANCELLED) to stop. */
  readonly afterIteration?: (iteration: number, loss: number) => void;
}

/** A fitted multinomial logistic regression: logits = W x + b. */
export interface LogisticRegression {
  readonly numClasses: number;
  readonly dim: number;
  /** W, numClasses × dim, row-major. */
  readonly weights: Float64Array;
  readonly biases: Float64Array;
  /** Final value of the objective (mean cross-entropy + λ/2 ‖W‖²). */
  readonly loss: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Multinomial logistic regression by full-batch L-BFGS in float64, minimising
 * (1/n) Σᵢ −log softmax(W xᵢ + b)_{yᵢ} + (λ/2) ‖W‖²_F from W = 0, b = 0. The objective is
 * strictly convex in W (λ > 0), so the fit is deterministic and does not depend on a seed.
 * Features are used as given: standardise them first (the linear probe does), since λ and the
 * tolerance are on their scale.
 */
export async function fitLogisticRegression(
  features: FeatureMatrix,
  labels: ArrayLike<number>,
  numClasses: number,
  options: LogisticRegressionOptions = {},
): Promise<LogisticRegression> {
  const { values, count, dim } = features;
  integerAtLeast(numClasses, 2, 'numClasses');
  if (values.length !== count * dim || count < 1 || dim < 1) throw invalidArgument(`features: ${values.length} values for ${count} rows × ${dim}`);
  assertLabels(labels, count, numClasses);
  const l2 = options.l2 ?? 1e-4;
  if (!(l2 >= 0 && Number.isFinite(l2))) throw invalidArgument(`l2: must be a finite number ≥ 0, got ${l2}`);
  const weightCount = numClasses * dim;
  const logits = new Float64Array(numClasses);

  const objective = (theta: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let loss = 0;
    for (let i = 0; i < count; i += 1) {
      const row = i * dim;
      let max = -Infinity;
      for (let c = 0; c < numClasses; c += 1) {
        let z = theta[weightCount + c];
        const w = c * dim;
        for (let j = 0; j < dim; j += 1) z += theta[w + j] * values[row + j];
        logits[c] = z;
        if (z > max) max = z;
      }
      const label = labels[i];
      const labelLogit = logits[label];
      let sum = 0;
      for (let c = 0; c < numClasses; c += 1) {
        logits[c] = Math.exp(logits[c] - max);
        sum += logits[c];
      }
      loss += max + Math.log(sum) - labelLogit;
      for (let c = 0; c < numClasses; c += 1) {
        const residual = logits[c] / sum - (c === label ? 1 : 0); // p_c − [c = y]
        gradient[weightCount + c] += residual;
        const w = c * dim;
        for (let j = 0; j < dim; j += 1) gradient[w + j] += residual * values[row + j];
      }
    }
    let penalty = 0;
    for (let j = 0; j < theta.length; j += 1) {
      gradient[j] /= count;
      if (j < weightCount) {
        gradient[j] += l2 * theta[j];
        penalty += theta[j] * theta[j];
      }
    }
    return loss / count + (l2 / 2) * penalty;
  };

  const result = await minimizeLbfgs(objective, new Float64Array(weightCount + numClasses), {
    maxIterations: integerAtLeast(options.maxIterations ?? 500, 1, 'maxIterations'),
    gradientTolerance: options.gradientTolerance ?? 1e-6,
    afterIteration: options.afterIteration,
  });
  return {
    numClasses,
    dim,
    weights: result.theta.slice(0, weightCount),
    biases: result.theta.slice(weightCount),
    loss: result.value,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/** softmax(W x + b) for every row, in float64. */
export function logisticProbabilities(model: LogisticRegression, features: FeatureMatrix): ClassMatrix {
  const { values, count, dim } = features;
  if (dim !== model.dim) throw invalidArgument(`features: ${dim} per row, the model was fitted on ${model.dim}`);
  const { numClasses, weights, biases } = model;
  const out = new Float64Array(count * numClasses);
  for (let i = 0; i < count; i += 1) {
    const row = i * dim;
    const o = i * numClasses;
    let max = -Infinity;
    for (let c = 0; c < numClasses; c += 1) {
      let z = biases[c];
      for (let j = 0; j < dim; j += 1) z += weights[c * dim + j] * values[row + j];
      out[o + c] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let c = 0; c < numClasses; c += 1) {
      out[o + c] = Math.exp(out[o + c] - max);
      sum += out[o + c];
    }
    for (let c = 0; c < numClasses; c += 1) out[o + c] /= sum;
  }
  return { values: out, count, numClasses };
}
