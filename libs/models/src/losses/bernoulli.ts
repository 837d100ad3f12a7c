import { tf } from '@genlab/compute';

/**
 * log p(x | logits) of independent Bernoullis, summed over the last axis, in nats:
 * x·l − softplus(l), written as x·l − max(l, 0) − log1p(exp(−|l|)) so that it stays finite
 * for logits of any magnitude. `x` (in [0, 1]) broadcasts against `logits`.
 */
export function bernoulliLogLikelihood(logits: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const softplus = tf.relu(logits).add(tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.sum(tf.mul(x, logits).sub(softplus), -1);
  });
}
