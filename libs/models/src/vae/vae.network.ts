import { tf } from '@genlab/compute';
import { applyMlp, createMlp, type Dense } from '../nn/dense';
import type { ParameterSet } from '../nn/parameter-set';
import type { VaeConfig } from './vae.config';
import { createVaeLikelihood, type VaeLikelihood } from './vae.likelihood';

/**
 * Encoder `D-h1-…-2Z` (mean and log-variance), decoder `Z-…-h1-D` (Bernoulli logits or
 * Gaussian mean, per `likelihood`).
 */
export interface VaeNetwork {
  readonly inputDim: number;
  readonly latentDim: number;
  readonly encoder: readonly Dense[];
  readonly decoder: readonly Dense[];
  readonly likelihood: VaeLikelihood;
  /** Widest layer output, for sizing memory-bounded chunks. */
  readonly widestLayer: number;
}

export function createVaeNetwork(params: ParameterSet, config: VaeConfig, inputDim: number, seed: number): VaeNetwork {
  const { latentDim, hiddenDims } = config;
  return {
    inputDim,
    latentDim,
    encoder: createMlp(params, 'encoder', [inputDim, ...hiddenDims, 2 * latentDim], seed),
    decoder: createMlp(params, 'decoder', [latentDim, ...[...hiddenDims].reverse(), inputDim], seed),
    // Created after the layers, so a Bernoulli model's parameters (and saved bytes) are unchanged.
    likelihood: createVaeLikelihood(params, config.likelihood, inputDim),
    widestLayer: Math.max(inputDim, 2 * latentDim, ...hiddenDims),
  };
}

export interface DiagonalGaussian {
  readonly mean: tf.Tensor2D;
  readonly logVar: tf.Tensor2D;
}

/** q(z | x) for a data batch `[n, D]`. */
export function encodeGaussian(net: VaeNetwork, x: tf.Tensor2D): DiagonalGaussian {
  const [mean, logVar] = tf.split(applyMlp(net.encoder, x, { constantInput: true }), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  return { mean, logVar };
}

/** The decoder's raw output `[n, D]` for codes `[n, Z]`: what `net.likelihood` takes. */
export const decoderOutput = (net: VaeNetwork, z: tf.Tensor2D): tf.Tensor2D => applyMlp(net.decoder, z);

/** E[x | z], shape `[n, D]`, for codes `[n, Z]`. */
export const decodeMean = (net: VaeNetwork, z: tf.Tensor2D): tf.Tensor2D => net.likelihood.mean(decoderOutput(net, z));
