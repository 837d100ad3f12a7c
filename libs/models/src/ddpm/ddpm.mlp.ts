import { tf } from '@genlab/compute';
import { applyMlp, createMlp } from '../nn/dense';
import type { ParameterSet } from '../nn/parameter-set';
import type { Denoiser } from './ddpm.denoiser';
import { sinusoidalTable } from './ddpm.time-embedding';

/**
 * ε_θ for vector data `[n, D]`: an MLP (ReLU) on the input concatenated with the sinusoidal
 * embedding of t, `D + E → hidden… → D`, registered as `denoiser.<i>`.
 */
export function createMlpDenoiser(
  params: ParameterSet,
  options: { dataDim: number; hiddenDims: readonly number[]; timesteps: number; timeEmbeddingDim: number; seed: number },
): Denoiser {
  const { dataDim, hiddenDims, timesteps, timeEmbeddingDim, seed } = options;
  const layers = createMlp(params, 'denoiser', [dataDim + timeEmbeddingDim, ...hiddenDims, dataDim], seed);
  const table = sinusoidalTable(timesteps, timeEmbeddingDim);
  return {
    inputShape: [dataDim],
    activationElements: Math.max(dataDim + timeEmbeddingDim, ...hiddenDims),
    // Not `constantInput`: its gradient closes over the input, which a tidy inside the loss
    // would dispose before backpropagation; the input gradient of a D + E wide layer is cheap.
    predict: (x, t) => tf.tidy(() => applyMlp(layers, tf.concat([x as tf.Tensor2D, tf.gather(table, t)], 1))),
    dispose: () => table.dispose(),
  };
}
