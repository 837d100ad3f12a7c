import type { CentredFeatures } from '../pairwise/centred-features';

/** Improved precision and recall (Kynkäänniemi et al. 2019). */
export interface PrecisionRecall {
  /** Fraction of generated samples inside the real manifold. */
  readonly precision: number;
  /** Fraction of real samples inside the generated manifold. */
  readonly recall: number;
  readonly k: number;
}

/** Density and coverage (Naeem et al. 2020). */
export interface DensityCoverage {
  /** (1/(kM)) Σ_j #{i : y_j ∈ B(x_i, r_k(x_i))}: 1 on average for matching distributions, unbounded above. */
  readonly density: number;
  /** Fraction of real samples whose k-NN ball holds at least one generated sample. */
  readonly coverage: number;
  readonly k: number;
}

/** Squared k-NN radii the cross pass compares against (row i's radius = distance to its k-th nearest other row). */
export interface ManifoldRadii {
  readonly precisionRecall?: { readonly k: number; readonly real: Float64Array; readonly generated: Float64Array };
  readonly densityCoverage?: { readonly k: number; readonly real: Float64Array };
}

export interface ManifoldAccumulator {
  /** For a block of real × generated Gram rows. */
  readonly visit: (block: Float32Array, start: number, rows: number) => void;
  readonly precisionRecall: () => PrecisionRecall | undefined;
  readonly densityCoverage: () => DensityCoverage | undefined;
}

/**
 * One pass over the real × generated distances decides, with closed balls (distance ≤ radius):
 * which generated samples fall in some real sample's k-NN ball (precision), which real
 * samples fall in some generated sample's ball (recall), how many real balls hold each
 * generated sample (density) and which real balls hold any generated sample (coverage).
 */
export function createManifoldAccumulator(real: CentredFeatures, generated: CentredFeatures, radii: ManifoldRadii): ManifoldAccumulator {
  const n = real.count;
  const columns = generated.count;
  const never = (length: number) => new Float64Array(length).fill(-Infinity);
  const realPr = radii.precisionRecall?.real ?? never(n);
  const generatedPr = radii.precisionRecall?.generated ?? never(columns);
  const realDc = radii.densityCoverage?.real ?? never(n);
  const inRealManifold = new Uint8Array(columns);
  const inGeneratedManifold = new Uint8Array(n);
  const ballsHolding = new Int32Array(columns);
  const covered = new Uint8Array(n);
  const ny = generated.squaredNorms;

  const visit = (block: Float32Array, start: number, rows: number): void => {
    for (let r = 0; r < rows; r += 1) {
      const i = start + r;
      const offset = r * columns;
      const base = real.squaredNorms[i];
      const pr = realPr[i];
      const dc = realDc[i];
      let recalled = 0;
      let holdsAny = 0;
      for (let j = 0; j < columns; j += 1) {
        const d2 = base + ny[j] - 2 * block[offset + j];
        if (d2 <= pr) inRealManifold[j] = 1;
        if (d2 <= generatedPr[j]) recalled = 1;
        if (d2 <= dc) {
          ballsHolding[j] += 1;
          holdsAny = 1;
        }
      }
      inGeneratedManifold[i] = recalled;
      covered[i] = holdsAny;
    }
  };

  const fraction = (flags: Uint8Array) => flags.reduce((sum, f) => sum + f, 0) / flags.length;
  return {
    visit,
    precisionRecall: () => {
      const pr = radii.precisionRecall;
      return pr && { precision: fraction(inRealManifold), recall: fraction(inGeneratedManifold), k: pr.k };
    },
    densityCoverage: () => {
      const dc = radii.densityCoverage;
      return dc && { density: ballsHolding.reduce((sum, c) => sum + c, 0) / (dc.k * columns), coverage: fraction(covered), k: dc.k };
    },
  };
}
