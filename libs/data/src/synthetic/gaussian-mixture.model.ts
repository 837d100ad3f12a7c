import { invalidArgument } from '@genlab/errors';
import { createRng } from '../random/seeded.rng';
import type { TensorDataset } from '../dataset/tensor-dataset.types';

/** A mixture of isotropic Gaussians in 2-D with a shared standard deviation. */
export interface GaussianMixture2d {
  /** Mode centres as [x, y] pairs. */
  readonly means: readonly (readonly [number, number])[];
  readonly std: number;
  /** Mixture weights, summing to 1. */
  readonly weights: readonly number[];
}

/** Points are stored flat, x0, y0, x1, y1, … */
export type Points2d = Float32Array | Float64Array | readonly number[];

export const equalWeights = (k: number): number[] => new Array<number>(k).fill(1 / k);

/**
 * Draws `count` points (mode by weight, then mean + std · N(0, I) by Box–Muller), labelled with
 * their mode index. Deterministic in `seed`.
 */
export const sampleMixture = (mixture: GaussianMixture2d, count: number, seed: number): TensorDataset => {
  if (!Number.isInteger(count) || count < 0) throw invalidArgument(`count must be a non-negative integer, got ${count}`);
  const rng = createRng(seed);
  const cumulative = cumulativeWeights(mixture.weights);
  const x = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const u = rng.next();
    let k = cumulative.findIndex((c) => u < c);
    if (k < 0) k = cumulative.length - 1;
    const [mx, my] = mixture.means[k] as readonly [number, number];
    x[2 * i] = mx + mixture.std * rng.nextNormal();
    x[2 * i + 1] = my + mixture.std * rng.nextNormal();
    labels[i] = k;
  }
  return { shape: [2], count, x, labels, numClasses: mixture.means.length };
};

/** Exact log-density of each point: logsumexp_k [log w_k + log N(p; μ_k, σ² I)], computed stably. */
export const mixtureLogDensity = (mixture: GaussianMixture2d, points: Points2d): Float64Array => {
  if (points.length % 2 !== 0) {
    throw invalidArgument(`points must be flat [x0, y0, x1, y1, …] pairs, got an odd length ${points.length}`);
  }
  const { means, std, weights } = mixture;
  const inv2var = 1 / (2 * std * std);
  const logNorm = -Math.log(2 * Math.PI * std * std);
  const logWeights = weights.map((w) => Math.log(w) + logNorm);
  const terms = new Float64Array(means.length);
  const out = new Float64Array(points.length / 2);
  for (let i = 0; i < out.length; i++) {
    const px = points[2 * i] as number;
    const py = points[2 * i + 1] as number;
    let best = -Infinity;
    for (let k = 0; k < means.length; k++) {
      const [mx, my] = means[k] as readonly [number, number];
      const term = (logWeights[k] as number) - ((px - mx) ** 2 + (py - my) ** 2) * inv2var;
      terms[k] = term;
      if (term > best) best = term;
    }
    let sum = 0;
    for (let k = 0; k < means.length; k++) sum += Math.exp((terms[k] as number) - best);
    out[i] = best + Math.log(sum);
  }
  return out;
};

const cumulativeWeights = (weights: readonly number[]): number[] => {
  let total = 0;
  return weights.map((w) => (total += w));
};
