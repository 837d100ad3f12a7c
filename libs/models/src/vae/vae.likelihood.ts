import { tf } from '@genlab/compute';
import { bernoulliLogLikelihood } from '../losses/bernoulli';
import { gaussianLogLikelihood } from '../losses/gaussian';
import type { ParameterSet } from '../nn/parameter-set';
import type { VaeLikelihoodKind } from './vae.config';

/**
 * Range the Gaussian decoder's log-variance is clamped to inside the density: σ from about
 * 0.0025 to 20. It keeps exp(−logVar) finite and stops the variance collapsing onto a
 * single training point (an unbounded likelihood). The parameter itself is not clamped.
 */
export const DECODER_LOG_VAR_RANGE = [-12, 6] as const;

/** Name of the Gaussian decoder's log-variance parameter in the saved model. */
export const DECODER_LOG_VAR = 'decoder.logVar';

/**
 * The observation model p(x | z), given the decoder's output `[..., D]` for each z: Bernoulli
 * logits, or the Gaussian mean.
 */
export interface VaeLikelihood {
  readonly kind: VaeLikelihoodKind;
  /** log p(x | z) in nats, summed over the last axis; `x` broadcasts against `decoded`. */
  logLikelihood(decoded: tf.Tensor, x: tf.Tensor): tf.Tensor;
  /** E[x | z]: Bernoulli probabilities, or the Gaussian mean itself. */
  mean(decoded: tf.Tensor2D): tf.Tensor2D;
}

/**
 * `bernoulliLogLikelihood` with its gradient written out: ∂/∂l = x − σ(l), times the
 * incoming gradient. Same values; the backward pass takes three kernels instead of the dozen
 * tfjs derives through the stable softplus (PERFORMANCE.md). `x` is data: no gradient.
 */
function bernoulliLogLikelihoodWithGrad(logits: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((l, save) => {
    (save as tf.GradSaveFunc)([l as tf.Tensor]);
    return {
      value: bernoulliLogLikelihood(l as tf.Tensor, x),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(tf.expandDims(dy, -1), tf.sub(x, tf.sigmoid(saved))),
    };
  }) as (l: tf.Tensor) => tf.Tensor;
  return f(logits);
}

const bernoulli: VaeLikelihood = {
  kind: 'bernoulli',
  logLikelihood: (logits, x) => bernoulliLogLikelihoodWithGrad(logits, x),
  mean: (logits) => tf.sigmoid(logits),
};

/**
 * Gaussian with the decoder output as mean and one learned log-variance per data dimension
 * (shared by all z), initialised to 0 (σ = 1). It is a trainable parameter, so it is saved,
 * restored and updated by the optimiser like the weights.
 */
function gaussian(params: ParameterSet, dataDim: number): VaeLikelihood {
  const logVar = params.add(DECODER_LOG_VAR, [dataDim], () => tf.zeros([dataDim]));
  const [min, max] = DECODER_LOG_VAR_RANGE;
  return {
    kind: 'gaussian',
    logLikelihood: (mean, x) => tf.tidy(() => gaussianLogLikelihood(mean, tf.clipByValue(logVar, min, max), x)),
    mean: (mean) => mean,
  };
}

/** The likelihood `kind`, registering its parameters (if any) in `params`. */
export function createVaeLikelihood(params: ParameterSet, kind: VaeLikelihoodKind, dataDim: number): VaeLikelihood {
  switch (kind) {
    case 'bernoulli':
      return bernoulli;
    case 'gaussian':
      return gaussian(params, dataDim);
  }
}
