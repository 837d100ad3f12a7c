import { deriveSeed, tf } from '@genlab/compute';
import { gaussianKlToStandardNormal, gaussianLogDensityFromNoise, standardNormalLogDensity } from '../losses/gaussian';
import { decoderOutput, encodeGaussian, type DiagonalGaussian, type VaeNetwork } from './vae.network';

/** Per-example reconstruction log-likelihood and KL(q(z|x) ‖ p(z)), one reparameterised z each. */
function elboTerms(net: VaeNetwork, x: tf.Tensor2D, seed: number): { logLikelihood: tf.Tensor1D; kl: tf.Tensor1D } {
  const { mean, logVar } = encodeGaussian(net, x);
  const eps = tf.randomNormal(mean.shape, 0, 1, 'float32', seed);
  const z = mean.add(eps.mul(tf.exp(logVar.mul(0.5)))) as tf.Tensor2D;
  return {
    logLikelihood: net.likelihood.logLikelihood(decoderOutput(net, z), x) as tf.Tensor1D,
    kl: gaussianKlToStandardNormal(mean, logVar) as tf.Tensor1D,
  };
}

/** Per-example ELBO in nats (analytic KL), shape `[n]`. */
export function elboPerExample(net: VaeNetwork, x: tf.Tensor2D, seed: number): tf.Tensor1D {
  return tf.tidy(() => {
    const { logLikelihood, kl } = elboTerms(net, x, seed);
    return logLikelihood.sub(kl);
  });
}

/** Training loss: −(log-likelihood − β·KL), summed over dimensions, averaged over the batch. */
export function negativeElboLoss(net: VaeNetwork, x: tf.Tensor2D, seed: number, beta: number): tf.Scalar {
  return tf.tidy(() => {
    const { logLikelihood, kl } = elboTerms(net, x, seed);
    return tf.mean(kl.mul(beta).sub(logLikelihood));
  });
}

/** log w = log p(x|z) + log p(z) − log q(z|x) for `k` samples z ~ q(z|x): shape `[k, n]`. */
function iwaeLogWeights(net: VaeNetwork, x: tf.Tensor2D, q: DiagonalGaussian, k: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, d] = x.shape;
    const eps = tf.randomNormal([k, n, net.latentDim], 0, 1, 'float32', seed);
    const z = q.mean.add(eps.mul(tf.exp(q.logVar.mul(0.5))));
    const decoded = decoderOutput(net, z.reshape([k * n, net.latentDim])).reshape([k, n, d]);
    return net.likelihood.logLikelihood(decoded, x).add(standardNormalLogDensity(z)).sub(gaussianLogDensityFromNoise(eps, q.logVar)) as tf.Tensor2D;
  });
}

/**
 * Per-example IWAE bound log (1/k) Σ w_i in nats, shape `[n]`. The k samples are drawn in
 * chunks of `chunk` and combined by a running log-sum-exp, so memory stays bounded for any k.
 */
export function iwaeBoundPerExample(net: VaeNetwork, x: tf.Tensor2D, k: number, seed: number, chunk: number): tf.Tensor1D {
  return tf.tidy(() => {
    const q = encodeGaussian(net, x);
    let total: tf.Tensor1D | undefined;
    for (let start = 0, i = 0; start < k; start += chunk, i += 1) {
      const size = Math.min(chunk, k - start);
      const part = tf.tidy(() => tf.logSumExp(iwaeLogWeights(net, x, q, size, deriveSeed(seed, 'iwae', i)), 0) as tf.Tensor1D);
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
