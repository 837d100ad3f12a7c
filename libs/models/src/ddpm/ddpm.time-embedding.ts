import { tf } from '@genlab/compute';

/**
 * The sinusoidal embedding of every step index 0 … T−1 (Ho et al., after the Transformer's
 * position encoding), as a constant `[T, dim]` table: row i is [sin(i·f_k), cos(i·f_k)] with
 * f_k = 10000^(−k/(dim/2 − 1)). Denoisers gather their rows from it; the caller owns it.
 */
export function sinusoidalTable(timesteps: number, dim: number): tf.Tensor2D {
  const half = dim / 2;
  const values = new Float32Array(timesteps * dim);
  for (let i = 0; i < timesteps; i += 1) {
    for (let k = 0; k < half; k += 1) {
      const angle = i * Math.exp((-Math.log(10000) * k) / (half - 1));
      values[i * dim + k] = Math.sin(angle);
      values[i * dim + half + k] = Math.cos(angle);
    }
  }
  return tf.tensor2d(values, [timesteps, dim]);
}
