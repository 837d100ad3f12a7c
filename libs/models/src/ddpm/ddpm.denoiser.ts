import type { tf } from '@genlab/compute';

/** The network ε_θ(x_t, t) of a DDPM. */
export interface Denoiser {
  /** Shape of one example in model space: `[D]` for the MLP, `[H, W, C]` for the U-Net. */
  readonly inputShape: readonly number[];
  /** Roughly the elements per example of the largest activation, for sizing memory-bounded chunks. */
  readonly activationElements: number;
  /** ε̂ for noisy inputs `[n, ...inputShape]` at step indices `t` (int32 `[n]`, 0 … T−1); same shape as `x`. */
  predict(x: tf.Tensor, t: tf.Tensor1D): tf.Tensor;
  /** Constant tensors the denoiser owns (not parameters). */
  dispose(): void;
}
