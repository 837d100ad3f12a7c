import { tf } from '@genlab/compute';
import type { Dense, DenseApplyOptions } from './dense';
import { matMul, matMulConstantInput } from './mat-mul';

/** The effective kernel `W ⊙ M` of a masked layer (a new tensor). */
export const maskedKernel = (layer: Dense, mask: tf.Tensor2D): tf.Tensor2D => tf.mul(layer.kernel, mask) as tf.Tensor2D;

/**
 * A dense layer whose kernel is multiplied by a constant 0/1 mask `[inDim, outDim]` (MADE's
 * masked linear layer): `x·(W ⊙ M) + b`. Masked weights get a zero gradient and never
 * contribute. Same transpose-free matmul gradients as `applyDense`.
 */
export function applyMaskedDense(layer: Dense, mask: tf.Tensor2D, x: tf.Tensor2D, options: DenseApplyOptions = {}): tf.Tensor2D {
  const kernel = maskedKernel(layer, mask);
  const product = options.constantInput ? matMulConstantInput(x, kernel) : matMul(x, kernel);
  return tf.add(product, layer.bias);
}
