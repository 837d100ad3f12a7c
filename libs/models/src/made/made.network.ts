import { tf } from '@genlab/compute';
import { bernoulliLogLikelihood } from '../losses/bernoulli';
import { createDense, type Dense } from '../nn/dense';
import { applyMaskedDense, maskedKernel } from '../nn/masked-dense';
import type { ParameterSet } from '../nn/parameter-set';
import type { MadeConfig } from './made.config';
import { madeConnectivity, type MadeConnectivity } from './made.masks';

/** A MADE's weights (`made.0 … made.L`, shared by every mask) and its constant masks. */
export interface MadeNetwork {
  readonly dataDim: number;
  readonly layers: readonly Dense[];
  readonly connectivities: readonly MadeConnectivity[];
  /** `maskTensors[k][l]`: mask of layer l under connectivity k, `[inDim, outDim]`. */
  readonly maskTensors: readonly (readonly tf.Tensor2D[])[];
}

export function createMadeNetwork(params: ParameterSet, config: MadeConfig, dataDim: number, seed: number, initSeed: number): MadeNetwork {
  const dims = [dataDim, ...config.hiddenDims, dataDim];
  const layers = dims.slice(1).map((out, i) => createDense(params, `made.${i}`, dims[i], out, initSeed));
  const connectivities = Array.from({ length: config.numMasks }, (_, k) =>
    madeConnectivity(seed, k, dataDim, config.hiddenDims, config.ordering),
  );
  const maskTensors = connectivities.map((c) => c.masks.map((m, l) => tf.tensor2d(m, [dims[l], dims[l + 1]])));
  return { dataDim, layers, connectivities, maskTensors };
}

export const disposeMadeNetwork = (net: MadeNetwork): void => net.maskTensors.forEach((masks) => tf.dispose([...masks]));

/** Bernoulli logits `[n, D]` of every conditional p(x_d | x_<d) under connectivity `k`. */
export function madeLogits(net: MadeNetwork, x: tf.Tensor2D, k: number): tf.Tensor2D {
  const masks = net.maskTensors[k];
  return net.layers.reduce((h, layer, l) => {
    const out = applyMaskedDense(layer, masks[l], h, l === 0 ? { constantInput: true } : {});
    return l < net.layers.length - 1 ? tf.relu(out) : out;
  }, x);
}

/** log p(x) `[n]` under connectivity `k` alone (one autoregressive model). */
export const madeLogProbForMask = (net: MadeNetwork, x: tf.Tensor2D, k: number): tf.Tensor1D =>
  bernoulliLogLikelihood(madeLogits(net, x, k), x) as tf.Tensor1D;

/**
 * log p(x) `[n]` of the ensemble: the mixture with equal weights of the autoregressive
 * models of every connectivity, log((1/K) Σ_k p_k(x)) by log-sum-exp.
 */
export function madeLogProb(net: MadeNetwork, x: tf.Tensor2D): tf.Tensor1D {
  const count = net.maskTensors.length;
  if (count === 1) return madeLogProbForMask(net, x, 0);
  const perMask = tf.stack(net.maskTensors.map((_, k) => madeLogProbForMask(net, x, k)));
  return tf.sub(tf.logSumExp(perMask, 0), Math.log(count)) as tf.Tensor1D;
}

/**
 * Ancestral sampling of `uniforms.shape[0]` examples under connectivity `k`: D sequential
 * steps in the connectivity's ordering, each drawing x_d ~ Bernoulli(σ(logit_d)) as
 * `u < σ(logit_d)` with `uniforms[:, t]` for step t. The first layer's pre-activation is
 * updated incrementally (adding x_d times row d of its kernel), so a step costs O(n·H), not a
 * full forward pass. Returns `[n, D]` in data order.
 */
export function madeSampleForMask(net: MadeNetwork, k: number, uniforms: tf.Tensor2D): tf.Tensor2D {
  const { dataDim: D, layers } = net;
  const masks = net.maskTensors[k];
  const degrees = net.connectivities[k].inputDegrees;
  const positionAt = new Int32Array(D);
  degrees.forEach((degree, d) => (positionAt[degree - 1] = d));
  const n = uniforms.shape[0];
  return tf.tidy(() => {
    const kernels = layers.map((layer, l) => maskedKernel(layer, masks[l]));
    const last = layers.length - 1;
    let pre = tf.add(tf.zeros([n, layers[0].bias.shape[0]]), layers[0].bias) as tf.Tensor2D;
    const columns: tf.Tensor2D[] = [];
    for (let t = 0; t < D; t += 1) {
      const d = positionAt[t];
      const [column, next] = tf.tidy(() => {
        let h = tf.relu(pre) as tf.Tensor2D;
        for (let l = 1; l < last; l += 1) h = tf.relu(tf.add(tf.matMul(h, kernels[l]), layers[l].bias)) as tf.Tensor2D;
        const outKernel = tf.slice(kernels[last], [0, d], [-1, 1]) as tf.Tensor2D;
        const logit = tf.add(tf.matMul(h, outKernel), tf.slice(layers[last].bias, [d], [1]));
        const u = tf.slice(uniforms, [0, t], [n, 1]);
        const x = tf.cast(tf.less(u, tf.sigmoid(logit)), 'float32') as tf.Tensor2D;
        const updated = tf.add(pre, tf.mul(x, tf.slice(kernels[0], [d, 0], [1, -1]))) as tf.Tensor2D;
        return [x, updated];
      });
      pre.dispose();
      pre = next;
      columns.push(column);
    }
    const inOrder = tf.concat(columns, 1);
    // Column t of `inOrder` is the dimension at ordering position t; dimension d sits at degree(d) − 1.
    return tf.gather(inOrder, tf.tensor1d(Array.from(degrees, (g) => g - 1), 'int32'), 1) as tf.Tensor2D;
  });
}
