import { tf } from '@genlab/compute';
import { applyMlp, createMlp, type Dense } from '../nn/dense';
import type { ParameterSet } from '../nn/parameter-set';

/**
 * One affine coupling layer (Dinh et al. 2017): the coordinates are split into a kept part a
 * and a transformed part b; a conditioner MLP of a gives (s̃, t), s = tanh(s̃), and
 * b ↦ b·exp(s) + t, whose log |det| is Σ s. Direction: data → latent. In a class-conditional
 * flow the conditioner also sees the one-hot label y (`[n, K]`, concatenated to its input), so
 * the layer is invertible in x for each y with the same log |det|.
 */
export interface Coupling {
  /**
   * `x → (y, log|det ∂y/∂x|)`, log-det of shape `[n]`. (Conditioners never use
   * `constantInput`: even the first coupling's input is computed inside the gradient scope,
   * e.g. dequantized, and that option's closure needs an input that outlives it.)
   */
  forward(x: tf.Tensor2D, labels?: tf.Tensor2D): { y: tf.Tensor2D; logDet: tf.Tensor1D };
  inverse(y: tf.Tensor2D, labels?: tf.Tensor2D): tf.Tensor2D;
}

/** The conditioner's input: `input`, with the one-hot `labels` appended for a conditional layer (`numClasses` > 0). */
function conditionerInput(input: tf.Tensor2D, labels: tf.Tensor2D | undefined, numClasses: number): tf.Tensor2D {
  if (numClasses === 0) return input;
  if (!labels || labels.shape[1] !== numClasses) throw new Error(`realnvp coupling: a conditional layer needs one-hot labels [n, ${numClasses}]`);
  return tf.concat([input, labels], 1) as tf.Tensor2D;
}

/**
 * Split coupling for vector data `[D]`, D ≥ 2: with k = ⌊D/2⌋, even layers keep x[:k] and
 * transform x[k:], odd layers keep x[D−k:] and transform x[:D−k], so consecutive layers
 * alternate. The conditioner sees only the kept coordinates: for D = 2 it is exactly the
 * reference's 1-h-h-2 MLP ([s, t] in that order), alternating which coordinate is transformed.
 */
export function createSplitCoupling(
  params: ParameterSet,
  name: string,
  index: number,
  dim: number,
  hiddenDims: readonly number[],
  seed: number,
  numClasses = 0,
): Coupling {
  const k = Math.floor(dim / 2);
  const even = index % 2 === 0;
  const [keptStart, keptSize] = even ? [0, k] : [dim - k, k];
  const [transStart, transSize] = even ? [k, dim - k] : [0, dim - k];
  const layers = createMlp(params, name, [keptSize + numClasses, ...hiddenDims, 2 * transSize], seed);
  const parts = (x: tf.Tensor2D) => {
    const n = x.shape[0];
    return { a: tf.slice(x, [0, keptStart], [n, keptSize]) as tf.Tensor2D, b: tf.slice(x, [0, transStart], [n, transSize]) as tf.Tensor2D };
  };
  const scaleShift = (a: tf.Tensor2D, labels: tf.Tensor2D | undefined) => {
    const out = applyMlp(layers, conditionerInput(a, labels, numClasses));
    const n = a.shape[0];
    return { s: tf.tanh(tf.slice(out, [0, 0], [n, transSize])) as tf.Tensor2D, t: tf.slice(out, [0, transSize], [n, transSize]) as tf.Tensor2D };
  };
  const join = (a: tf.Tensor2D, b: tf.Tensor2D) => (even ? tf.concat([a, b], 1) : tf.concat([b, a], 1)) as tf.Tensor2D;
  return {
    forward: (x, labels) => {
      const { a, b } = parts(x);
      const { s, t } = scaleShift(a, labels);
      return { y: join(a, tf.add(tf.mul(b, tf.exp(s)), t)), logDet: tf.sum(s, 1) as tf.Tensor1D };
    },
    inverse: (y, labels) => {
      const { a, b } = parts(y);
      const { s, t } = scaleShift(a, labels);
      return join(a, tf.mul(tf.sub(b, t), tf.exp(tf.neg(s))));
    },
  };
}

/**
 * Masked coupling for image data, on the flattened vector: a 0/1 mask m (1 = kept) picks the
 * conditioner's input x ⊙ m, and s, t are zeroed on the kept coordinates (the masked form of
 * the RealNVP paper, with an MLP conditioner D-h-…-2D instead of its ResNets: acceptable at
 * genlab's scale, and what `mask` chooses below). Masks cycle checkerboard, inverse
 * checkerboard, first half, second half of the flattened image (top/bottom rows for one channel).
 */
export function createMaskedCoupling(
  params: ParameterSet,
  name: string,
  index: number,
  dataShape: readonly number[],
  hiddenDims: readonly number[],
  seed: number,
  numClasses = 0,
): Coupling & { readonly mask: tf.Tensor2D; dispose(): void } {
  const dim = dataShape.reduce((a, d) => a * d, 1);
  const values = new Float32Array(dim);
  const [, width = 1, channels = 1] = dataShape;
  for (let i = 0; i < dim; i += 1) {
    const c = i % channels;
    const w = Math.floor(i / channels) % width;
    const h = Math.floor(i / (channels * width));
    const checker = (h + w + c) % 2;
    const half = i < Math.floor(dim / 2) ? 1 : 0;
    values[i] = [checker, 1 - checker, half, 1 - half][index % 4];
  }
  const mask = tf.tensor2d(values, [1, dim]);
  const free = tf.tidy(() => tf.sub(1, mask)) as tf.Tensor2D;
  const layers: Dense[] = createMlp(params, name, [dim + numClasses, ...hiddenDims, 2 * dim], seed);
  const scaleShift = (x: tf.Tensor2D, labels: tf.Tensor2D | undefined) => {
    const out = applyMlp(layers, conditionerInput(tf.mul(x, mask) as tf.Tensor2D, labels, numClasses));
    const n = x.shape[0];
    return {
      s: tf.mul(tf.tanh(tf.slice(out, [0, 0], [n, dim])), free) as tf.Tensor2D,
      t: tf.mul(tf.slice(out, [0, dim], [n, dim]), free) as tf.Tensor2D,
    };
  };
  return {
    mask,
    forward: (x, labels) => {
      const { s, t } = scaleShift(x, labels);
      return { y: tf.add(tf.mul(x, tf.exp(s)), t) as tf.Tensor2D, logDet: tf.sum(s, 1) as tf.Tensor1D };
    },
    inverse: (y, labels) => {
      const { s, t } = scaleShift(y, labels); // y ⊙ m = x ⊙ m
      return tf.mul(tf.sub(y, t), tf.exp(tf.neg(s))) as tf.Tensor2D;
    },
    dispose: () => tf.dispose([mask, free]),
  };
}
