import { tf } from '@genlab/compute';
import type { ParameterSet } from '../nn/parameter-set';
import type { PixelCnnConfig } from './pixelcnn.config';
import { applyMaskedConv, createMaskedConv, type MaskedConv } from './pixelcnn.masked-conv';

/**
 * Type-A k₀×k₀ conv (1 → h) → ReLU → L × [type-B k×k conv (h → h) → ReLU] → 1×1 (h → h) →
 * ReLU → 1×1 (h → 1): one Bernoulli logit per pixel. Parameters `pixelcnn.<i>.*`.
 */
export interface PixelCnnNetwork {
  readonly layers: readonly MaskedConv[];
  /**
   * Rows above a pixel its logit can depend on: Σ (k − 1)/2 over the layers. A window of the
   * image from that many rows above row r down to row r gives row r's logits exactly.
   */
  readonly receptiveRows: number;
  readonly numClasses: number;
}

export function createPixelCnnNetwork(params: ParameterSet, config: PixelCnnConfig, numClasses: number, seed: number): PixelCnnNetwork {
  const h = config.hiddenChannels;
  const specs = [
    { k: config.firstKernelSize, cin: 1, cout: h, type: 'A' as const },
    ...Array.from({ length: config.maskedLayers }, () => ({ k: config.kernelSize, cin: h, cout: h, type: 'B' as const })),
    { k: 1, cin: h, cout: h, type: 'B' as const },
    { k: 1, cin: h, cout: 1, type: 'B' as const },
  ];
  const layers = specs.map((spec, i) => createMaskedConv(params, `pixelcnn.${i}`, { ...spec, numClasses, seed }));
  return { layers, receptiveRows: layers.reduce((rows, l) => rows + (l.kernelSize - 1) / 2, 0), numClasses };
}

/** Logits `[n, H, W, 1]` for binary images `[n, H, W, 1]` (and one-hot classes `[n, K]` if conditional). */
export function pixelLogits(net: PixelCnnNetwork, x: tf.Tensor4D, oneHot?: tf.Tensor2D): tf.Tensor4D {
  return net.layers.reduce((h, layer, i) => {
    const out = applyMaskedConv(layer, h, oneHot);
    return i < net.layers.length - 1 ? tf.relu(out) : out;
  }, x);
}

export const disposeNetwork = (net: PixelCnnNetwork): void => tf.dispose(net.layers.map((l) => l.mask));
