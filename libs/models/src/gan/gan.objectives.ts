import { tf } from '@genlab/compute';

/*
 * The two GAN objectives, as losses of the discriminator's per-example outputs. Each
 * family minimises a discriminator (critic) loss and a generator loss in turn.
 */

/** Non-saturating DCGAN loss, D side: BCE with logits, real → 1, fake → 0 (−log σ(d) = softplus(−d)). */
export const bceDiscriminatorLoss = (realLogits: tf.Tensor1D, fakeLogits: tf.Tensor1D): tf.Scalar =>
  tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits)));

/** Non-saturating DCGAN loss, G side: BCE of the fakes against label 1, −log σ(D(G(z))). */
export const bceGeneratorLoss = (fakeLogits: tf.Tensor1D): tf.Scalar => tf.mean(tf.softplus(tf.neg(fakeLogits)));

/** WGAN critic loss without the penalty: E[C(fake)] − E[C(real)] (minus the Wasserstein estimate). */
export const wassersteinCriticLoss = (realScores: tf.Tensor1D, fakeScores: tf.Tensor1D): tf.Scalar =>
  tf.sub(tf.mean(fakeScores), tf.mean(realScores));

/** WGAN generator loss: −E[C(G(z))]. */
export const wassersteinGeneratorLoss = (fakeScores: tf.Tensor1D): tf.Scalar => tf.neg(tf.mean(fakeScores)) as tf.Scalar;

/**
 * Gulrajani et al.'s penalty E[(‖∇ₓ C(x̂)‖₂ − 1)²] on x̂ = ε·real + (1 − ε)·fake, ε ~ U[0, 1]
 * per example (`epsilon` `[n]`), before the weight λ. The gradient is taken inside the
 * caller's tape, so minimising the result differentiates through it (a gradient of a
 * gradient). The norm's square root gets 1e-12 added so that its own gradient is finite at 0.
 */
export function gradientPenalty(critic: (x: tf.Tensor) => tf.Tensor1D, real: tf.Tensor, fake: tf.Tensor, epsilon: tf.Tensor1D): tf.Scalar {
  const n = real.shape[0];
  const e = epsilon.reshape([n, ...real.shape.slice(1).map(() => 1)]);
  const interpolates = tf.add(tf.mul(e, real), tf.mul(tf.sub(1, e), fake));
  const gradient = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(interpolates);
  const norms = tf.sqrt(tf.add(tf.sum(tf.square(gradient.reshape([n, -1])), 1), 1e-12));
  return tf.mean(tf.square(tf.sub(norms, 1)));
}
