import { tf } from '@genlab/compute';

/*
 * tfjs' own BatchMatMul gradient multiplies with transposeA/transposeB, which the wasm
 * backend runs ~12× slower than a plain product (STACK.md: 23 ms vs 1.96 ms for
 * 128×784×400). These variants compute the same gradients by transposing explicitly
 * (a cheap copy) and then multiplying plainly.
 */

/**
 * `dy·wᵀ` (`[m, n]·[n, k]`, w being `[k, n]`), the input gradient of `x·w`, in whichever of two
 * transpose-free forms moves fewer values. The wasm backend's matmul (an XNNPACK
 * fully-connected operator created per right operand) packs its right operand on every call
 * with a new one, so the cost beyond the arithmetic is copies: `dy·transpose(w)` transposes and
 * packs w (2·k·n values); `transpose(w·transpose(dy))` transposes dy, packs dyᵀ and transposes
 * the `[k, m]` result (2·n·m + k·m). For a wide layer and a batch of 128 (k = 400, n = 784) the
 * second moves 251 thousand values instead of 627 thousand. Same product; the sums run in
 * another order, so results differ in the last bits.
 */
export function timesTransposed(dy: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const [m, n] = dy.shape;
  const k = w.shape[0];
  if (2 * n * m + k * m < 2 * k * n) return tf.transpose(tf.matMul(w, tf.transpose(dy))) as tf.Tensor2D;
  return tf.matMul(dy, tf.transpose(w));
}

const matMulBoth = tf.customGrad((a, b, save) => {
  const [x, w] = [a as tf.Tensor2D, b as tf.Tensor2D];
  (save as tf.GradSaveFunc)([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor2D, [sx, sw]: tf.Tensor[]) => [timesTransposed(dy, sw as tf.Tensor2D), tf.matMul(tf.transpose(sx), dy)],
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
