import { tf } from '@genlab/compute';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** KL(N(mean, exp(logVar)) ‖ N(0, I)) summed over the last axis, in nats. */
export function gaussianKlToStandardNormal(mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.exp(logVar).add(tf.square(mean)).sub(1).sub(logVar), -1).mul(0.5));
}

/** log N(z; 0, I) summed over the last axis. */
export function standardNormalLogDensity(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.square(z), -1).mul(-0.5).sub(HALF_LOG_2PI * z.shape[z.rank - 1]));
}

/**
 * log N(z; mean, exp(logVar)) summed over the last axis, for z = mean + eps·exp(logVar/2)
 * given by its standard-normal noise `eps` (exact, and cheaper than from z).
 */
export function gaussianLogDensityFromNoise(eps: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.square(eps).add(logVar), -1).mul(-0.5).sub(HALF_LOG_2PI * eps.shape[eps.rank - 1]));
}

/**
 * log N(x; mean, exp(logVar)) of independent Gaussians, summed over the last axis, in nats:
 * −½ Σ [((x − μ)·exp(−logVar/2))² + logVar + log 2π]. The residual is standardised by a
 * multiplication (no division, no variance that underflows), so it is finite for any finite
 * log-variance the caller allows; clamp `logVar` first if it is learned. `x`, `mean` and
 * `logVar` broadcast against each other.
 */
export function gaussianLogLikelihood(mean: tf.Tensor, logVar: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const standardised = tf.sub(x, mean).mul(tf.exp(tf.mul(logVar, -0.5)));
    const perDim = tf.square(standardised).add(logVar);
    return tf.sum(perDim, -1).mul(-0.5).sub(HALF_LOG_2PI * perDim.shape[perDim.rank - 1]);
  });
}
