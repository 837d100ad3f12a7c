import { tf } from '@genlab/compute';

/*
 * Images as 8-bit data. A pixel stored as x ∈ {0, 1/255, …, 1} is the discrete value
 * k = 255·x ∈ {0, …, 255}. Following Dinh et al. (2017, §4.1) and Theis et al. (2016):
 *
 *   v  = k + u,  u ~ U[0, 1)            uniform dequantization: v ∈ [0, 256)^D
 *   x' = v / 256                         ∈ [0, 1)
 *   p  = α + (1 − 2α)·x',  α = 0.05      keeps the logit away from ±∞
 *   y  = logit(p)                        the flow models y
 *
 * log p_V(v) = log p_Y(y) + Σ_d log |∂y_d/∂v_d|, with
 * log |∂y/∂v| = log(1 − 2α) − log 256 − log p − log(1 − p), is the density of v in
 * [0, 256)^D, where each 8-bit value owns a unit cube. So P(k) = ∫_{[0,1)^D} p_V(k + u) du and,
 * by Jensen, E_u[log p_V(k + u)] ≤ log P(k): `logProb` returns log p_V(k + u) for one draw of
 * u, an unbiased estimate of that lower bound on the log-likelihood (nats) of the discrete
 * data, and bits/dim = −logProb / (D ln 2) is the usual figure (8 for a uniform model).
 */

export const LOGIT_ALPHA = 0.05;
const LEVELS = 256;
const MAX_LEVEL = 255;

/** Data `[n, D]` in [0, 1] and noise u in [0, 1) to logit space, with log |∂y/∂v| per example. */
export function dequantizeToLogit(x: tf.Tensor2D, u: tf.Tensor): { y: tf.Tensor2D; logDet: tf.Tensor1D } {
  const v = tf.add(tf.mul(x, MAX_LEVEL), u);
  const p = tf.add(LOGIT_ALPHA, tf.mul(1 - 2 * LOGIT_ALPHA, tf.div(v, LEVELS)));
  const logP = tf.log(p);
  const log1mP = tf.log1p(tf.neg(p));
  const y = tf.sub(logP, log1mP) as tf.Tensor2D;
  const constant = x.shape[1] * (Math.log(1 - 2 * LOGIT_ALPHA) - Math.log(LEVELS));
  const logDet = tf.sub(constant, tf.sum(tf.add(logP, log1mP), 1)) as tf.Tensor1D;
  return { y, logDet };
}

/** The dequantized value v ∈ [0, 256) (up to float error) of logit-space `y`. */
export const logitToLevel = (y: tf.Tensor2D): tf.Tensor2D =>
  tf.mul(tf.div(tf.sub(tf.sigmoid(y), LOGIT_ALPHA), 1 - 2 * LOGIT_ALPHA), LEVELS) as tf.Tensor2D;

/** v back to data units with the cell's centre at the pixel (inverse of u = ½): x = (v − ½)/255, in [0, 1]. */
export const levelToData = (v: tf.Tensor2D): tf.Tensor2D => tf.clipByValue(tf.div(tf.sub(v, 0.5), MAX_LEVEL), 0, 1) as tf.Tensor2D;

/** v to the 8-bit value it falls in, in data units: ⌊v⌋/255, clipped to [0, 1]. */
export const levelToPixel = (v: tf.Tensor2D): tf.Tensor2D => tf.div(tf.clipByValue(tf.floor(v), 0, MAX_LEVEL), MAX_LEVEL) as tf.Tensor2D;
