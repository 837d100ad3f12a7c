import { deriveSeed, tf } from '@genlab/compute';
import { gaussianKlToStandardNormal, gaussianLogDensityFromNoise, standardNormalLogDensity } from '../losses/gaussian';
import { encodeGaussian, encoderInput, type DiagonalGaussian, type VaeNetwork } from './vae.network';

/**
 * A data batch `[n, D]`, its one-hot labels `[n, K]` (conditional models only) and the
 * encoder's input made from both. Make it with `vaeBatch` outside any gradient tape.
 */
export interface VaeBatch {
  readonly x: tf.Tensor2D;
  readonly labels: tf.Tensor2D | undefined;
  readonly encoderInput: tf.Tensor2D;
}

export const vaeBatch = (x: tf.Tensor2D, labels: tf.Tensor2D | undefined): VaeBatch => ({ x, labels, encoderInput: encoderInput(x, labels) });

/** Per-example reconstruction log-likelihood and KL(q(z|x[,y]) ‖ p(z)), one reparameterised z each. */
function elboTerms(net: VaeNetwork, batch: VaeBatch, seed: number): { logLikelihood: tf.Tensor1D; kl: tf.Tensor1D } {
  const { mean, logVar } = encodeGaussian(net, batch.encoderInput);
  const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', seed);
  const z = mean.add(eps.mul(tf.exp(logVar.mul(0.5)))) as tf.Tensor2D;
  return {
    logLikelihood: net.likelihood.logLikelihood(net.decode(z, batch.labels), batch.x) as tf.Tensor1D,
    kl: gaussianKlToStandardNormal(mean, logVar) as tf.Tensor1D,
  };
}

/** Per-example ELBO in nats (analytic KL), shape `[n]`: a bound on log p(x), or log p(x | y) if conditional. */
export function elboPerExample(net: VaeNetwork, batch: VaeBatch, seed: number): tf.Tensor1D {
  return tf.tidy(() => {
    const { logLikelihood, kl } = elboTerms(net, batch, seed);
    return logLikelihood.sub(kl);
  });
}

/** Training loss: −(log-likelihood − β·KL), summed over dimensions, averaged over the batch. */
export function negativeElboLoss(net: VaeNetwork, batch: VaeBatch, seed: number, beta: number): tf.Scalar {
  return tf.tidy(() => {
    const { logLikelihood, kl } = elboTerms(net, batch, seed);
    return tf.mean(kl.mul(beta).sub(logLikelihood));
  });
}

/** log w = log p(x|z[,y]) + log p(z) − log q(z|x[,y]) for `k` samples z ~ q: shape `[k, n]`. */
function iwaeLogWeights(net: VaeNetwork, batch: VaeBatch, q: DiagonalGaussian, k: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, d] = batch.x.shape;
    const eps = tf.randomNormal([k, n, net.latentDim], 0, 1, 'float32', seed);
    const z = q.mean.add(eps.mul(tf.exp(q.logVar.mul(0.5))));
    // z is k-major ([k, n] → k·n rows), so the labels repeat k times in the same order.
    const labels = batch.labels ? (tf.tile(batch.labels, [k, 1]) as tf.Tensor2D) : undefined;
    const decoded = net.decode(z.reshape([k * n, net.latentDim]), labels).reshape([k, n, d]);
    return net.likelihood.logLikelihood(decoded, batch.x).add(standardNormalLogDensity(z)).sub(gaussianLogDensityFromNoise(eps, q.logVar)) as tf.Tensor2D;
  });
}

/**
 * Per-example IWAE bound log (1/k) Σ w_i in nats, shape `[n]`. The k samples are drawn in
 * chunks of `chunk` and combined by a running log-sum-exp, so memory stays bounded for any k.
 */
export function iwaeBoundPerExample(net: VaeNetwork, batch: VaeBatch, k: number, seed: number, chunk: number): tf.Tensor1D {
  return tf.tidy(() => {
    const q = encodeGaussian(net, batch.encoderInput);
    let total: tf.Tensor1D | undefined;
    for (let start = 0, i = 0; start < k; start += chunk, i += 1) {
      const size = Math.min(chunk, k - start);
      const part = tf.tidy(() => tf.logSumExp(iwaeLogWeights(net, batch, q, size, deriveSeed(seed, 'iwae', i)), 0) as tf.Tensor1D);
      if (!total) {
        total = part;
        continue;
      }
      const previous: tf.Tensor1D = total;
      total = tf.tidy(() => tf.logSumExp(tf.stack([previous, part]), 0) as tf.Tensor1D);
      tf.dispose([previous, part]);
    }
    return (total as tf.Tensor1D).sub(Math.log(k));
  });
}
