import { tf } from '@genlab/compute';
import { applyMlp, createMlp } from '../nn/dense';
import type { ParameterSet } from '../nn/parameter-set';
import type { MlpVaeLayers, VaeNetworkSpec } from './vae.network';

/**
 * Encoder `(D+K)-h1-…-2Z` (mean and log-variance), decoder `(Z+K)-…-h1-D`, ReLU between
 * layers; K = 0 unless conditional, when the one-hot label joins the input of each.
 */
export function createMlpVaeLayers(params: ParameterSet, { config, dataShape, numClasses }: VaeNetworkSpec, seed: number): MlpVaeLayers {
  const { latentDim, hiddenDims } = config;
  const inputDim = dataShape.reduce((a, d) => a * d, 1);
  const encoder = createMlp(params, 'encoder', [inputDim + numClasses, ...hiddenDims, 2 * latentDim], seed);
  const decoder = createMlp(params, 'decoder', [latentDim + numClasses, ...[...hiddenDims].reverse(), inputDim], seed);
  return {
    architecture: 'mlp',
    decoderLayers: decoder,
    encode: (input) => applyMlp(encoder, input, { constantInput: true }),
    decode: (z, labels) => applyMlp(decoder, labels ? tf.concat([z, labels], 1) : z),
    widestLayer: Math.max(inputDim + numClasses, 2 * latentDim, latentDim + numClasses, ...hiddenDims),
  };
}
