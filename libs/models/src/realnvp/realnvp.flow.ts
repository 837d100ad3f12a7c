import { tf } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import { dataSize } from '../data-shape';
import type { ParameterSet } from '../nn/parameter-set';
import { resolveDequantization, type RealNvpConfig } from './realnvp.config';
import { createMaskedCoupling, createSplitCoupling, type Coupling } from './realnvp.coupling';
import { dequantizeToLogit, levelToData, levelToPixel, logitToLevel } from './realnvp.dequantize';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The couplings (data → latent) and the data transform in front of them. Vector data `[D]`
 * use split couplings (conditioner on the kept coordinates only); image-shaped data use
 * masked couplings on the flattened vector (see `createMaskedCoupling`). A conditional flow
 * (`numClasses` > 0) passes one-hot labels `[n, numClasses]` to every coupling; the functions
 * below take them as `labels` (required then, ignored otherwise).
 */
export interface RealNvpFlow {
  readonly dim: number;
  readonly numClasses: number;
  readonly dequantize: 'uniform' | 'none';
  readonly couplings: readonly Coupling[];
  dispose(): void;
}

export function createRealNvpFlow(params: ParameterSet, config: RealNvpConfig, dataShape: readonly number[], seed: number, numClasses = 0): RealNvpFlow {
  const dim = dataSize(dataShape);
  if (dim < 2) {
    throw invalidArgument(`realnvp needs data with at least 2 dimensions (a coupling keeps some and transforms the others); got shape [${dataShape.join(', ')}]`, {
      dataShape,
    });
  }
  const masked = dataShape.length >= 2;
  const owned: { dispose(): void }[] = [];
  const couplings = Array.from({ length: config.numCouplings }, (_, i) => {
    const name = `coupling.${i}`;
    if (!masked) return createSplitCoupling(params, name, i, dim, config.hiddenDims, seed, numClasses);
    const coupling = createMaskedCoupling(params, name, i, dataShape, config.hiddenDims, seed, numClasses);
    owned.push(coupling);
    return coupling;
  });
  return { dim, numClasses, dequantize: resolveDequantization(config, dataShape), couplings, dispose: () => owned.forEach((c) => c.dispose()) };
}

/** z and log|det ∂z/∂x| `[n]` for flow inputs `[n, D]` (already in logit space for images). */
export function flowForward(flow: RealNvpFlow, x: tf.Tensor2D, labels?: tf.Tensor2D): { z: tf.Tensor2D; logDet: tf.Tensor1D } {
  let logDet = tf.zeros([x.shape[0]]) as tf.Tensor1D;
  let h = x;
  flow.couplings.forEach((coupling) => {
    const out = coupling.forward(h, labels);
    h = out.y;
    logDet = tf.add(logDet, out.logDet);
  });
  return { z: h, logDet };
}

export const flowInverse = (flow: RealNvpFlow, z: tf.Tensor2D, labels?: tf.Tensor2D): tf.Tensor2D =>
  flow.couplings.reduceRight((h, coupling) => coupling.inverse(h, labels), z);

/**
 * log p(x) `[n]` in nats: the standard normal density of z = f(x) plus log|det ∂z/∂x|. For
 * 'uniform' dequantization `noise` (u ∈ [0, 1), `[n, D]`) is required and the result is the
 * density of the dequantized value in [0, 256)^D (see realnvp.dequantize.ts). With `labels`
 * (conditional flows) it is log p(x | y).
 */
export function flowLogProb(flow: RealNvpFlow, x: tf.Tensor2D, noise?: tf.Tensor2D, labels?: tf.Tensor2D): tf.Tensor1D {
  let input = x;
  let preLogDet: tf.Tensor | undefined;
  if (flow.dequantize === 'uniform') {
    if (!noise) throw new Error('flowLogProb: uniform dequantization needs noise');
    const { y, logDet } = dequantizeToLogit(x, noise);
    input = y;
    preLogDet = logDet;
  }
  const { z, logDet } = flowForward(flow, input, labels);
  const base = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), flow.dim * HALF_LOG_2PI);
  const total = tf.add(base, logDet);
  return (preLogDet ? tf.add(total, preLogDet) : total) as tf.Tensor1D;
}

/** The latent code of data `[n, D]`; images are dequantized at the cell centre (u = ½), so decode(encode(x)) = x. */
export function flowEncode(flow: RealNvpFlow, x: tf.Tensor2D, labels?: tf.Tensor2D): tf.Tensor2D {
  const input = flow.dequantize === 'uniform' ? dequantizeToLogit(x, tf.scalar(0.5)).y : x;
  return flowForward(flow, input, labels).z;
}

/**
 * Data for latent codes `[n, D]`. `quantize` (sampling): images come back as 8-bit values
 * ⌊v⌋/255; otherwise as the continuous (v − ½)/255, the inverse of `flowEncode`.
 */
export function flowDecode(flow: RealNvpFlow, z: tf.Tensor2D, quantize: boolean, labels?: tf.Tensor2D): tf.Tensor2D {
  const y = flowInverse(flow, z, labels);
  if (flow.dequantize === 'none') return y;
  const v = logitToLevel(y);
  return quantize ? levelToPixel(v) : levelToData(v);
}
