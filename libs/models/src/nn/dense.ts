import { deriveSeed, tf } from '@genlab/compute';
import { matMul, matMulConstantInput } from './mat-mul';
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

export function applyDense(layer: Dense, x: tf.Tensor2D, options: DenseApplyOptions = {}): tf.Tensor2D {
  const kernel = layer.kernel as tf.Tensor2D;
  const product = options.constantInput ? matMulConstantInput(x, kernel) : matMul(x, kernel);
  return tf.add(product, layer.bias);
}

/** Layers `<name>.0 … <name>.{n-1}` mapping `dims[0] → … → dims[n]`. */
export function createMlp(params: ParameterSet, name: string, dims: readonly number[], seed: number): Dense[] {
  return dims.slice(1).map((out, i) => createDense(params, `${name}.${i}`, dims[i], out, seed));
}

/** ReLU between layers, none after the last. `options` apply to the first layer. */
export function applyMlp(layers: readonly Dense[], x: tf.Tensor2D, options: DenseApplyOptions = {}): tf.Tensor2D {
  return layers.reduce((h, layer, i) => {
    const out = applyDense(layer, h, i === 0 ? options : {});
    return i < layers.length - 1 ? tf.relu(out) : out;
  }, x);
}
