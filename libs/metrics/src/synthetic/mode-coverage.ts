import type { Points2d } from '@genlab/data';
import { invalidArgument } from '@genlab/errors';

export interface ModeCoverage {
  /** Fraction of samples within `threshold`·σ of their nearest mode centre. */
  readonly highQualityFraction: number;
  /** Modes that are the nearest centre of at least one high-quality sample. */
  readonly modesCovered: number;
  readonly modeCount: number;
}

export interface ModeCoverageOptions {
  /** High quality means within this many standard deviations of the nearest centre (default 3). */
  readonly threshold?: number;
}

/**
 * VEEGAN's mode metrics (Srivastava et al. 2017) for 2-D samples of a mixture whose mode
 * centres and standard deviation σ are known (e.g. `ring8.mixture.means` and `.std` of
 * @genlab/data): a sample is high quality when its Euclidean distance to the nearest centre
 * is ≤ 3σ; a mode is covered when it is the nearest centre of at least one high-quality
 * sample (ties go to the first centre). Points are flat [x0, y0, x1, y1, …]. INVALID_ARGUMENT
 * for no points, an odd length, non-finite coordinates, no centres or σ ≤ 0.
 */
export function modeCoverage(points: Points2d, centres: readonly (readonly [number, number])[], std: number, options: ModeCoverageOptions = {}): ModeCoverage {
  const threshold = options.threshold ?? 3;
  if (!(Number.isFinite(threshold) && threshold > 0)) throw invalidArgument(`threshold: must be finite and > 0, got ${threshold}`);
  if (!(Number.isFinite(std) && std > 0)) throw invalidArgument(`std: must be finite and > 0, got ${std}`);
  if (points.length === 0 || points.length % 2 !== 0) throw invalidArgument(`points: need flat [x0, y0, x1, y1, …] pairs, got ${points.length} values`);
  if (centres.length === 0) throw invalidArgument('centres: needs at least one mode centre');
  const limit2 = (threshold * std) ** 2;
  const covered = new Uint8Array(centres.length);
  const count = points.length / 2;
  let highQuality = 0;
  for (let i = 0; i < count; i += 1) {
    const x = points[2 * i] as number;
    const y = points[2 * i + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw invalidArgument(`points: point ${i} is not finite`);
    let nearest = 0;
    let best = Infinity;
    centres.forEach(([mx, my], k) => {
      const d2 = (x - mx) ** 2 + (y - my) ** 2;
      if (d2 < best) {
        best = d2;
        nearest = k;
      }
    });
    if (best <= limit2) {
      highQuality += 1;
      covered[nearest] = 1;
    }
  }
  return { highQualityFraction: highQuality / count, modesCovered: covered.reduce((a, c) => a + c, 0), modeCount: centres.length };
}
