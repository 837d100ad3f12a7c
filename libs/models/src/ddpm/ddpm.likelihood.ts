import { tf } from '@genlab/compute';

/** Half the width of one of the 256 levels of 8-bit data scaled to [-1, 1]. */
const HALF_BIN = 1 / 255;
const MIN_PROBABILITY = 1e-12;

/** Φ, the standard normal CDF. */
const normalCdf = (z: tf.Tensor) => tf.erf(z.mul(Math.SQRT1_2)).add(1).mul(0.5);

/**
 * log P(x | μ, σ²) of 8-bit data scaled to [-1, 1] under Ho et al.'s discretised Gaussian
 * decoder: the Gaussian's mass on the bin of width 2/255 around each value, the outermost
 * bins extended to ±∞; summed over all but the first axis, in nats, shape `[n]`. Masses are
 * floored at 1e-12 as in Ho et al.'s code; the upper tail is computed as Φ(−z) rather than
 * 1 − Φ(z), which keeps precision when the mean lies below the value.
 */
export function discretizedGaussianLogLikelihood(x: tf.Tensor, mean: tf.Tensor, logVar: number): tf.Tensor1D {
  return tf.tidy(() => {
    const invStd = Math.exp(-0.5 * logVar);
    const centered = x.sub(mean);
    const upper = centered.add(HALF_BIN).mul(invStd);
    const lower = centered.sub(HALF_BIN).mul(invStd);
    const logOf = (p: tf.Tensor) => tf.log(tf.maximum(p, MIN_PROBABILITY));
    // The bin's mass Φ(upper) − Φ(lower), from whichever tail keeps precision.
    const mass = tf.where(
      centered.greater(0),
      normalCdf(lower.neg()).sub(normalCdf(upper.neg())),
      normalCdf(upper).sub(normalCdf(lower)),
    );
    const perValue = tf.where(
      x.less(-0.999),
      logOf(normalCdf(upper)),
      tf.where(x.greater(0.999), logOf(normalCdf(lower.neg())), logOf(mass)),
    );
    return tf.sum(perValue.reshape([x.shape[0], -1]), 1) as tf.Tensor1D;
  });
}
