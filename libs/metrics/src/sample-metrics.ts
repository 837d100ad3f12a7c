import { assertSeed, deriveSeed } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import { assertComparable, columnMeans, type FeatureMatrix } from './features/feature-matrix';
import { frechetInceptionDistance, type FrechetDistance } from './frechet/frechet-distance';
import { createKidAccumulator, type KernelInceptionDistance } from './kid/kid-accumulator';
import { drawSubsets } from './kid/kid-subsets';
import { createManifoldAccumulator, type DensityCoverage, type PrecisionRecall } from './manifold/manifold-accumulator';
import { centreFeatures, disposeCentred, squaredNorm, type CentredFeatures } from './pairwise/centred-features';
import { forEachGramBlock, forEachSymmetricGramBlock, type BlockOptions } from './pairwise/gram-blocks';
import { neighbourRadii } from './pairwise/nearest-neighbours';
import { integerAtLeast } from './validation';

export interface KidOptions {
  /** Number of random subsets (default 100). */
  readonly subsets?: number;
  /** Rows per subset, drawn from each set (default 1000); both sets need at least this many. */
  readonly subsetSize?: number;
  /** Seed of the subset draws (default 0): same seed, same subsets, same estimate. */
  readonly seed?: number;
}

export interface NeighbourOptions {
  /** Which nearest neighbour sets a sample's radius (defaults: 3 for precision/recall, 5 for density/coverage). */
  readonly k?: number;
}

export interface SampleMetricsOptions extends BlockOptions {
  /** Fréchet distance (default on). */
  readonly fid?: boolean;
  /** KID: `false` to skip, `true` or options to run (default on, with defaults). */
  readonly kid?: KidOptions | boolean;
  /** Precision/recall: `false` to skip (default on, k = 3). */
  readonly precisionRecall?: NeighbourOptions | boolean;
  /** Density/coverage: `false` to skip (default on, k = 5). */
  readonly densityCoverage?: NeighbourOptions | boolean;
}

/** The metrics that were requested (the others are absent). */
export interface SampleMetrics {
  readonly fid?: FrechetDistance;
  readonly kid?: KernelInceptionDistance;
  readonly precisionRecall?: PrecisionRecall;
  readonly densityCoverage?: DensityCoverage;
}

const enabled = <T extends object>(option: T | boolean | undefined): T | undefined => (option === false ? undefined : option === true || option === undefined ? ({} as T) : option);

/**
 * Sample-based metrics between real and generated feature sets (rows = samples, the same
 * `dim`), sharing the pairwise work: the real × real, generated × generated and
 * real × generated Gram matrices are each computed once, in row blocks (tfjs matMul on the
 * active backend, float32; only the upper triangle of the two symmetric ones), and every
 * requested metric reads the blocks it needs (KID the kernel values of its subsets, the k-NN
 * metrics the distances). Memory is bounded by `maxBlockElements` plus O(n·k) per metric.
 * FID is computed in float64 from means and covariances (`frechetInceptionDistance`). See
 * `kernelInceptionDistance`, `precisionRecall` and `densityCoverage` for each estimator's
 * conventions. 10,000 vs 10,000 × 128 takes ≈ 6.5 s on wasm (bench/sample-metrics.ts).
 *
 * Distances use ‖x − y‖² = ‖x‖² + ‖y‖² − 2xᵀy on features centred on the real mean, in
 * float32: relative error ~1e-6 of the squared norms, so a sample lying that close to a
 * k-NN ball's boundary may be classified either way.
 *
 * INVALID_ARGUMENT for mismatched or non-finite features, a KID subset larger than either
 * set, or a set with no more rows than the k of a k-NN metric; CANCELLED (or
 * DEADLINE_EXCEEDED, see `BlockOptions`) when `isCancelled` turns true between blocks.
 */
export async function sampleMetrics(real: FeatureMatrix, generated: FeatureMatrix, options: SampleMetricsOptions = {}): Promise<SampleMetrics> {
  assertComparable(real, generated);
  const kid = resolveKid(enabled(options.kid), real.count, generated.count);
  const prOptions = enabled(options.precisionRecall);
  const pr = prOptions && neighbourK(prOptions.k ?? 3, 'precisionRecall', [['real', real.count], ['generated', generated.count]]);
  const dcOptions = enabled(options.densityCoverage);
  const dc = dcOptions && neighbourK(dcOptions.k ?? 5, 'densityCoverage', [['real', real.count]]);
  const fid = options.fid === false ? undefined : frechetInceptionDistance(real, generated);
  if (!kid && pr === undefined && dc === undefined) return { fid };

  const centre = columnMeans(real);
  let x: CentredFeatures | undefined;
  let y: CentredFeatures | undefined;
  try {
    x = centreFeatures(real, centre);
    y = centreFeatures(generated, centre);
    const kidSums =
      kid && createKidAccumulator(x, y, drawSubsets(real.count, kid.size, kid.count, deriveSeed(kid.seed, 'real')), drawSubsets(generated.count, kid.size, kid.count, deriveSeed(kid.seed, 'generated')), squaredNorm(centre));

    const realKs = [pr, dc].filter((k): k is number => k !== undefined);
    const realRadii = realKs.length > 0 ? neighbourRadii(x, realKs) : undefined;
    await forEachSymmetricGramBlock(x, options, 'real × real distances', (block, start, rows, columnStart) => {
      realRadii?.visit(block, start, rows, columnStart);
      kidSums?.realSelf(block, start, rows, columnStart);
    });

    const generatedRadii = pr !== undefined ? neighbourRadii(y, [pr]) : undefined;
    if (kidSums || generatedRadii) {
      await forEachSymmetricGramBlock(y, options, 'generated × generated distances', (block, start, rows, columnStart) => {
        generatedRadii?.visit(block, start, rows, columnStart);
        kidSums?.generatedSelf(block, start, rows, columnStart);
      });
    }

    const manifold =
      realRadii &&
      createManifoldAccumulator(x, y, {
        precisionRecall: pr !== undefined && generatedRadii ? { k: pr, real: realRadii.squaredRadii(pr), generated: generatedRadii.squaredRadii(pr) } : undefined,
        densityCoverage: dc !== undefined ? { k: dc, real: realRadii.squaredRadii(dc) } : undefined,
      });
    await forEachGramBlock(x, y, options, 'real × generated distances', (block, start, rows) => {
      manifold?.visit(block, start, rows);
      kidSums?.cross(block, start, rows);
    });

    return { fid, kid: kidSums?.result(), precisionRecall: manifold?.precisionRecall(), densityCoverage: manifold?.densityCoverage() };
  } finally {
    disposeCentred(x, y);
  }
}

/**
 * Kernel Inception Distance (Bińkowski et al. 2018): the unbiased estimate of MMD² with the
 * cubic polynomial kernel k(x, y) = (xᵀy/d + 1)³, averaged over `subsets` (default 100)
 * random subsets of `subsetSize` (default 1000) rows of each set. Each subset is drawn
 * without replacement, independently of the others; the s-th real subset is paired with the
 * s-th generated one; the draws are seeded (`seed`, default 0). Reports the mean and the
 * standard deviation (1/S form) of the per-subset estimates. Unbiased, so it can be slightly
 * negative when the distributions match. INVALID_ARGUMENT, naming the minimum, when a set has
 * fewer rows than `subsetSize`.
 */
export async function kernelInceptionDistance(real: FeatureMatrix, generated: FeatureMatrix, options: KidOptions & BlockOptions = {}): Promise<KernelInceptionDistance> {
  const { maxBlockElements, isCancelled, signal, ...kid } = options;
  const result = await sampleMetrics(real, generated, { maxBlockElements, isCancelled, signal, fid: false, kid, precisionRecall: false, densityCoverage: false });
  return result.kid as KernelInceptionDistance;
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019) in feature space. Each sample's
 * radius is the Euclidean distance to its k-th nearest neighbour within its own set
 * (default k = 3; the sample itself excluded, duplicates counted). Precision: the fraction of
 * generated samples within the radius of at least one real sample; recall: the fraction of
 * real samples within the radius of at least one generated sample (closed balls, ≤).
 * INVALID_ARGUMENT when either set has k rows or fewer.
 */
export async function precisionRecall(real: FeatureMatrix, generated: FeatureMatrix, options: NeighbourOptions & BlockOptions = {}): Promise<PrecisionRecall> {
  const { maxBlockElements, isCancelled, signal, k } = options;
  const result = await sampleMetrics(real, generated, { maxBlockElements, isCancelled, signal, fid: false, kid: false, precisionRecall: { k }, densityCoverage: false });
  return result.precisionRecall as PrecisionRecall;
}

/**
 * Density and coverage (Naeem et al. 2020) in feature space, from the real samples' k-NN
 * radii only (default k = 5; radius as for `precisionRecall`). Density = (1/(kM)) Σ_j
 * #{real i : ‖y_j − x_i‖ ≤ r_i} over the M generated samples; coverage = fraction of real
 * samples whose ball holds at least one generated sample. INVALID_ARGUMENT when the real set
 * has k rows or fewer.
 */
export async function densityCoverage(real: FeatureMatrix, generated: FeatureMatrix, options: NeighbourOptions & BlockOptions = {}): Promise<DensityCoverage> {
  const { maxBlockElements, isCancelled, signal, k } = options;
  const result = await sampleMetrics(real, generated, { maxBlockElements, isCancelled, signal, fid: false, kid: false, precisionRecall: false, densityCoverage: { k } });
  return result.densityCoverage as DensityCoverage;
}

function resolveKid(kid: KidOptions | undefined, realCount: number, generatedCount: number): { count: number; size: number; seed: number } | undefined {
  if (!kid) return undefined;
  const count = integerAtLeast(kid.subsets ?? 100, 1, 'kid.subsets');
  const size = integerAtLeast(kid.subsetSize ?? 1000, 2, 'kid.subsetSize');
  const seed = kid.seed ?? 0;
  assertSeed(seed, 'kid.seed');
  const available = Math.min(realCount, generatedCount);
  if (available < size) {
    throw invalidArgument(
      `kid: needs at least subsetSize = ${size} samples in each set, got ${realCount} real and ${generatedCount} generated; pass a subsetSize of at most ${available} or more samples`,
      { subsetSize: size, realCount, generatedCount },
    );
  }
  return { count, size, seed };
}

function neighbourK(k: number, metric: string, sets: readonly (readonly [string, number])[]): number {
  integerAtLeast(k, 1, `${metric}.k`);
  for (const [name, count] of sets) {
    if (count <= k) throw invalidArgument(`${metric}: k = ${k} needs more than ${k} samples per set (at least ${k + 1}), got ${count} ${name}`, { k, [`${name}Count`]: count });
  }
  return k;
}
