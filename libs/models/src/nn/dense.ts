import { deriveSeed, tf } from '@genlab/compute';
import { timesTransposed } from './mat-mul';
import type { ParameterSet } from './parameter-set';

export interface Dense {
  /** `[inDim, outDim]` */
  readonly kernel: tf.Variable;
  /** `[outDim]` */
  readonly bias: tf.Variable;
}

/**
 * A fully connected layer registered as `<name>.kernel` and `<name>.bias`, initialised like
 * PyTorch's `nn.Linear`: both uniform in ±1/√inDim (for the weight that is its
 * kaiming-uniform with a = √5: bound √(2/(1+a²))·√(3/inDim) = 1/√inDim), seeded per
 * parameter from `seed`.
 */
export function createDense(params: ParameterSet, name: string, inDim: number, outDim: number, seed: number): Dense {
  const bound = 1 / Math.sqrt(inDim);
  const uniform = (shape: number[], part: string) => () =>
    tf.randomUniform(shape, -bound, bound, 'float32', deriveSeed(seed, name, part));
  return {
    kernel: params.add(`${name}.kernel`, [inDim, outDim], uniform([inDim, outDim], 'kernel')),
    bias: params.add(`${name}.bias`, [outDim], uniform([outDim], 'bias')),
  };
}

export interface DenseApplyOptions {
  /** The input is data (no gradient needed): skips computing the input gradient. */
  readonly constantInput?: boolean;
}

/** What follows a layer's affine map (`relu` inside the matmul kernel outside training). */
export type DenseActivation = 'linear' | 'relu';

/**
 * `act(x·W + b)` with the bias added by the matmul kernel (`tf.fused.matMul`; the ReLU too
 * outside training), under a written-out gradient: dz = dy ⊙ 1[y > 0] for
 * ReLU, then ∂b = Σ dz, ∂W = xᵀ·dz and ∂x = dz·Wᵀ, all as plain (transpose-free) products
 * (see nn/mat-mul.ts). With `constantInput` the input is closed over and gets no gradient.
 */
function fusedDense(layer: Dense, x: tf.Tensor2D, activation: DenseActivation, constantInput: boolean): tf.Tensor2D {
  // `tf.fused.matMul` applies the bias in the matmul kernel; it fuses the ReLU too outside
  // training, but while gradients are recorded it runs a ReLU as its own kernel. Calling the
  // fused kernel directly fuses it in training as well; that was tried and taken back while a
  // drop in RealNVP's quality was traced (its cause was elsewhere: PERFORMANCE.md), with no
  // speed gain the measurements could separate from noise.
  const forward = (input: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor) => tf.fused.matMul({ a: input, b: w, bias: b, activation }) as tf.Tensor2D;
  const outputGradient = (dy: tf.Tensor2D, y: tf.Tensor2D | undefined) => (activation === 'relu' ? (tf.mul(dy, tf.step(y as tf.Tensor2D)) as tf.Tensor2D) : dy);
  if (constantInput) {
    const f = tf.customGrad((w, b, save) => {
      const y = forward(x, w as tf.Tensor2D, b as tf.Tensor);
      (save as tf.GradSaveFunc)(activation === 'relu' ? [y] : []);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor2D, [sy]: tf.Tensor[]) => {
          const dz = outputGradient(dy, sy as tf.Tensor2D);
          return [tf.matMul(tf.transpose(x), dz), tf.sum(dz, 0)];
        },
      };
    }) as (w: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;
    return f(layer.kernel, layer.bias);
  }
  const f = tf.customGrad((input, w, b, save) => {
    const y = forward(input as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor);
    (save as tf.GradSaveFunc)(activation === 'relu' ? [input as tf.Tensor, w as tf.Tensor, y] : [input as tf.Tensor, w as tf.Tensor]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, [sx, sw, sy]: tf.Tensor[]) => {
        const dz = outputGradient(dy, sy as tf.Tensor2D);
        return [timesTransposed(dz, sw as tf.Tensor2D), tf.matMul(tf.transpose(sx as tf.Tensor2D), dz), tf.sum(dz, 0)];
      },
    };
  }) as (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;
  return f(x, layer.kernel, layer.bias);
}

/** `x·W + b` (one fused matmul kernel; see `fusedDense`). */
export function applyDense(layer: Dense, x: tf.Tensor2D, options: DenseApplyOptions = {}): tf.Tensor2D {
  return fusedDense(layer, x, 'linear', options.constantInput ?? false);
}

/** Layers `<name>.0 … <name>.{n-1}` mapping `dims[0] → … → dims[n]`. */
export function createMlp(params: ParameterSet, name: string, dims: readonly number[], seed: number): Dense[] {
  return dims.slice(1).map((out, i) => createDense(params, `${name}.${i}`, dims[i], out, seed));
}

/** ReLU between layers, none after the last. `options` apply to the first layer. */
export function applyMlp(layers: readonly Dense[], x: tf.Tensor2D, options: DenseApplyOptions = {}): tf.Tensor2D {
  return layers.reduce((h, layer, i) => fusedDense(layer, h, i < layers.length - 1 ? 'relu' : 'linear', i === 0 && (options.constantInput ?? false)), x);
}
