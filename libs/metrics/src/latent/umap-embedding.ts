import { SeededRng, assertSeed, deriveSeed } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import { UMAP } from 'umap-js';
import { assertFeatureMatrix, type FeatureMatrix } from '../features/feature-matrix';
import { integerAtLeast } from '../validation';

export interface UmapOptions {
  /** Every random choice of UMAP (neighbour-search trees, initial layout, negative samples) derives from it (default 0). */
  readonly seed?: number;
  /** Neighbours of the fuzzy graph (default 15, lowered to count − 1 for small sets). */
  readonly nNeighbors?: number;
  /** Minimum distance between embedded points (default 0.1). */
  readonly minDist?: number;
  /** Optimisation epochs (default umap-js's: 500 up to 2,500 points, falling to 200 above 7,500). */
  readonly nEpochs?: number;
  /** After every few epochs: epochs done of the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called before the neighbour graph is built and between epochs; throw (e.g. CANCELLED) to stop. */
  readonly throwIfCancelled?: () => void;
}

export interface UmapEmbedding {
  /** The embedded rows, `count × 2`, row-major. Units are arbitrary: only the neighbourhoods mean something. */
  readonly points: Float64Array;
  readonly count: number;
  readonly seed: number;
  readonly nNeighbors: number;
  readonly nEpochs: number;
}

/** Epochs run between progress reports and turns of the event loop. */
const EPOCHS_PER_TURN = 10;

/**
 * A non-linear 2-D embedding by UMAP (McInnes et al. 2018) through `umap-js` (PAIR-code's
 * pure-JavaScript implementation), Euclidean distance. Deterministic for a seed: umap-js draws
 * every random number from the generator it is given, here a seeded splitmix32 stream, and
 * runs in float64 JavaScript. Neighbour search is approximate (random-projection trees + NN
 * descent), memory O(n · nNeighbors); for a plot, a few thousand points are plenty, so
 * subsample larger sets first.
 */
export async function umapEmbedding(features: FeatureMatrix, options: UmapOptions = {}): Promise<UmapEmbedding> {
  assertFeatureMatrix(features, 'features');
  const { values, count, dim } = features;
  if (count < 3) throw invalidArgument(`features: UMAP needs at least 3 points, got ${count}`);
  const seed = options.seed ?? 0;
  assertSeed(seed);
  const nNeighbors = Math.min(integerAtLeast(options.nNeighbors ?? 15, 2, 'nNeighbors'), count - 1);
  const minDist = options.minDist ?? 0.1;
  if (!(minDist >= 0 && minDist <= 1)) throw invalidArgument(`minDist: must be in [0, 1], got ${minDist}`);
  const requestedEpochs = options.nEpochs === undefined ? undefined : integerAtLeast(options.nEpochs, 1, 'nEpochs');

  const rng = new SeededRng(deriveSeed(seed, 'umap'));
  const umap = new UMAP({ nComponents: 2, nNeighbors, minDist, nEpochs: requestedEpochs, random: () => rng.nextFloat() });
  const rows = Array.from({ length: count }, (_, i) => Array.from(values.subarray(i * dim, (i + 1) * dim)));
  options.throwIfCancelled?.();
  const nEpochs = umap.initializeFit(rows);
  for (let epoch = 0; epoch < nEpochs; ) {
    options.throwIfCancelled?.();
    const until = Math.min(epoch + EPOCHS_PER_TURN, nEpochs);
    while (epoch < until) epoch = umap.step();
    options.onProgress?.(epoch, nEpochs);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const embedding = umap.getEmbedding();
  const points = new Float64Array(count * 2);
  embedding.forEach((point, i) => {
    points[i * 2] = point[0];
    points[i * 2 + 1] = point[1];
  });
  return { points, count, seed, nNeighbors, nEpochs };
}
