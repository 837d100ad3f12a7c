import { deriveSeed, tf } from '@genlab/compute';
import { conv2dSame } from '../ddpm/conv2d-same';
import { matMul } from '../nn/mat-mul';
import type { ParameterSet } from '../nn/parameter-set';

/** 'A' hides the centre pixel from itself (first layer); 'B' lets a feature see its own position (later layers). */
export type MaskType = 'A' | 'B';

/**
 * The `[k, k, 1, 1]` mask of a k×k kernel: 1 on the rows above the centre and on the centre
 * row left of the centre; the centre itself for type B only. Output pixel (r, c) then depends
 * on inputs before (r, c) in raster order (type A), or up to and including it (type B).
 */
export function convMask(k: number, type: MaskType): tf.Tensor4D {
  const c = (k - 1) / 2;
  const values = new Float32Array(k * k);
  for (let i = 0; i < k; i += 1) {
    for (let j = 0; j < k; j += 1) values[i * k + j] = i < c || (i === c && (j < c || (j === c && type === 'B'))) ? 1 : 0;
  }
  return tf.tensor4d(values, [k, k, 1, 1]);
}

export interface MaskedConv {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  /** `[numClasses, cout]`: a learned bias per class (conditional models only). */
  readonly classBias?: tf.Variable;
  /** Constant `[k, k, 1, 1]` (owned by the network). */
  readonly mask: tf.Tensor4D;
  readonly kernelSize: number;
}

/**
 * A masked k×k convolution registered as `<name>.kernel`, `<name>.bias` (and
 * `<name>.classBias`), initialised like PyTorch's Conv2d (uniform ±1/√(k²·cin)); class biases
 * start at 0. A 1×1 layer of type B is an ordinary 1×1 convolution.
 */
export function createMaskedConv(
  params: ParameterSet,
  name: string,
  options: { k: number; cin: number; cout: number; type: MaskType; numClasses: number; seed: number },
): MaskedConv {
  const { k, cin, cout, type, numClasses, seed } = options;
  const bound = 1 / Math.sqrt(k * k * cin);
  const uniform = (shape: number[], part: string) => () => tf.randomUniform(shape, -bound, bound, 'float32', deriveSeed(seed, name, part));
  return {
    kernel: params.add(`${name}.kernel`, [k, k, cin, cout], uniform([k, k, cin, cout], 'kernel')),
    bias: params.add(`${name}.bias`, [cout], uniform([cout], 'bias')),
    classBias: numClasses > 0 ? params.add(`${name}.classBias`, [numClasses, cout], () => tf.zeros([numClasses, cout])) : undefined,
    mask: convMask(k, type),
    kernelSize: k,
  };
}

/** conv(x, W ⊙ mask) + b (+ the class bias of each example, from `oneHot` `[n, numClasses]`). */
export function applyMaskedConv(layer: MaskedConv, x: tf.Tensor4D, oneHot?: tf.Tensor2D): tf.Tensor4D {
  const out = tf.add(conv2dSame(x, tf.mul(layer.kernel, layer.mask) as tf.Tensor4D), layer.bias) as tf.Tensor4D;
  if (!layer.classBias || !oneHot) return out;
  const perExample = matMul(oneHot, layer.classBias as tf.Tensor2D);
  return tf.add(out, perExample.reshape([perExample.shape[0], 1, 1, perExample.shape[1]]));
}
