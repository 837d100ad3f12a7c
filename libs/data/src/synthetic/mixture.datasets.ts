import { equalWeights, mixtureLogDensity, sampleMixture, type GaussianMixture2d, type Points2d } from './gaussian-mixture.model';
import type { TensorDataset } from '../dataset/tensor-dataset.types';

/** A named synthetic 2-D dataset whose exact density is known. */
export interface SyntheticMixtureDataset {
  readonly name: string;
  readonly mixture: GaussianMixture2d;
  /** `count` labelled points (label = mode index); same seed ⇒ same points. */
  sample(count: number, seed: number): TensorDataset;
  /** Exact log-density (nats) of flat [x0, y0, x1, y1, …] points. */
  logDensity(points: Points2d): Float64Array;
}

const defineMixture = (name: string, spec: GaussianMixture2d): SyntheticMixtureDataset => {
  const mixture: GaussianMixture2d = Object.freeze({
    means: Object.freeze(spec.means.map((mean) => Object.freeze([mean[0], mean[1]] as const))),
    std: spec.std,
    weights: Object.freeze([...spec.weights]),
  });
  return Object.freeze({
    name,
    mixture,
    sample: (count: number, seed: number) => sampleMixture(mixture, count, seed),
    logDensity: (points: Points2d) => mixtureLogDensity(mixture, points),
  });
};

const ring8Means = Array.from({ length: 8 }, (_, k): [number, number] => {
  const angle = (k * 2 * Math.PI) / 8;
  return [2 * Math.cos(angle), 2 * Math.sin(angle)];
});

/** 8 Gaussians, centres on a circle of radius 2 at angles k·2π/8, std 0.02, equal weights. */
export const ring8 = defineMixture('ring8', { means: ring8Means, std: 0.02, weights: equalWeights(8) });

const grid25Means = Array.from({ length: 25 }, (_, k): [number, number] => [-4 + 2 * Math.floor(k / 5), -4 + 2 * (k % 5)]);

/** 25 Gaussians on the 5×5 grid {−4, −2, 0, 2, 4}², std 0.05, equal weights (VEEGAN, Srivastava et al. 2017). */
export const grid25 = defineMixture('grid25', { means: grid25Means, std: 0.05, weights: equalWeights(25) });
