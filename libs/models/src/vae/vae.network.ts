import { tf } from '@genlab/compute';
import type { ConvDecoderLayers } from '../export/tfjs-layers.export';
import type { Dense } from '../nn/dense';
import type { ParameterSet } from '../nn/parameter-set';
import type { VaeConfig } from './vae.config';
import { createConvVaeLayers } from './vae.conv';
import { createVaeLikelihood, type VaeLikelihood } from './vae.likelihood';
import { createMlpVaeLayers } from './vae.mlp';

/**
 * The encoder and decoder of one architecture, before the likelihood is attached. Both take
 * one-hot labels when the model is conditional (`numClasses` > 0).
 */
export interface VaeLayers {
  /** `[n, 2Z]` (mean, then log-variance) from `encoderInput(x, labels)`. */
  encode(input: tf.Tensor2D): tf.Tensor2D;
  /** The decoder's raw output `[n, D]` for codes `[n, Z]` (and one-hot labels `[n, K]`, if conditional). */
  decode(z: tf.Tensor2D, labels: tf.Tensor2D | undefined): tf.Tensor2D;
  /** Widest per-example activation, for sizing memory-bounded chunks. */
  readonly widestLayer: number;
}

/** The decoder layers of either architecture map onto standard tfjs layers, so they can be exported as a tfjs layers model. */
export type MlpVaeLayers = VaeLayers & { readonly architecture: 'mlp'; readonly decoderLayers: readonly Dense[] };
export type ConvVaeLayers = VaeLayers & { readonly architecture: 'conv'; readonly decoderLayers: ConvDecoderLayers };

/** What shapes the networks: the config and, from the data and the labels, D, the data shape and K. */
export interface VaeNetworkSpec {
  readonly config: VaeConfig;
  readonly dataShape: readonly number[];
  /** One-hot width of the labels (0: unconditional). */
  readonly numClasses: number;
}

export type VaeNetwork = (MlpVaeLayers | ConvVaeLayers) & {
  readonly inputDim: number;
  readonly latentDim: number;
  readonly numClasses: number;
  readonly likelihood: VaeLikelihood;
};

/**
 * MLP (`encoder.i`, `decoder.i`) or conv (`encoder.conv1` … `decoder.up2`) networks, then the
 * likelihood's parameters (a Gaussian's `decoder.logVar`): created after the layers, so a
 * Bernoulli model's parameters (and saved bytes) are those of the MLP-only VAE.
 */
export function createVaeNetwork(params: ParameterSet, spec: VaeNetworkSpec, seed: number): VaeNetwork {
  const inputDim = spec.dataShape.reduce((a, d) => a * d, 1);
  const layers = spec.config.architecture === 'conv' ? createConvVaeLayers(params, spec, seed) : createMlpVaeLayers(params, spec, seed);
  return {
    ...layers,
    inputDim,
    latentDim: spec.config.latentDim,
    numClasses: spec.numClasses,
    likelihood: createVaeLikelihood(params, spec.config.likelihood, inputDim),
  };
}

/**
 * The encoder's input: data `[n, D]` joined with one-hot labels `[n, K]` (conditional), or the
 * data alone. Make it outside any gradient tape: the first layer then treats it as a constant
 * and skips its input gradient (`constantInput`: the input is closed over), which needs it to outlive
 * the tape's forward pass.
 */
export const encoderInput = (x: tf.Tensor2D, labels: tf.Tensor2D | undefined): tf.Tensor2D => (labels ? tf.concat([x, labels], 1) : x);

export interface DiagonalGaussian {
  readonly mean: tf.Tensor2D;
  readonly logVar: tf.Tensor2D;
}

/** q(z | x) (q(z | x, y) if conditional) from `encoderInput(x, labels)`. */
export function encodeGaussian(net: VaeNetwork, input: tf.Tensor2D): DiagonalGaussian {
  const [mean, logVar] = tf.split(net.encode(input), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  return { mean, logVar };
}

/** E[x | z] (E[x | z, y] if conditional), shape `[n, D]`, for codes `[n, Z]`. */
export const decodeMean = (net: VaeNetwork, z: tf.Tensor2D, labels: tf.Tensor2D | undefined): tf.Tensor2D =>
  net.likelihood.mean(net.decode(z, labels));
