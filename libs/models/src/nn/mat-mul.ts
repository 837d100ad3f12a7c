import { tf } from '@genlab/compute';

/*
 * tfjs' own BatchMatMul gradient multiplies with transposeA/transposeB, which the wasm
 * backend runs ~12× slower than a plain product (STACK.md: 23 ms vs 1.96 ms for
 * 128×784×400). These variants compute the same gradients by transposing explicitly
 * (a cheap copy) and then multiplying plainly.
 */

const matMulBoth = tf.customGrad((a, b, save) => {
  const [x, w] = [a as tf.Tensor2D, b as tf.Tensor2D];
  (save as tf.GradSaveFunc)([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor2D, [sx, sw]: tf.Tensor[]) => [tf.matMul(dy, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy)],
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** `a·b` for `[m, k]·[k, n]`, differentiable in both operands, with transpose-free gradients. */
export const matMul = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D => matMulBoth(a, b);

/**
 * `x·w` differentiable in `w` only: for layers whose input is data, this skips computing
 * the (unused) input gradient, a whole extra matmul.
 */
export function matMulConstantInput(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad((weights) => ({
    value: tf.matMul(x, weights as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor2D) => [tf.matMul(tf.transpose(x), dy)],
  })) as (w: tf.Tensor2D) => tf.Tensor2D;
  return f(w);
}
