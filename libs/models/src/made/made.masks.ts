import { SeededRng, deriveSeed } from '@genlab/compute';

/**
 * One MADE connectivity (Germain et al. 2015, §4): a degree per unit and the 0/1 masks that
 * follow from them. Input d has degree `order[d]` ∈ 1..D (its position in the ordering); a
 * hidden unit of layer l gets a degree uniform in [min degree of layer l−1, D−1]; a hidden
 * unit sees units of the previous layer with degree ≤ its own, and output d sees hidden
 * units with degree < `order[d]`. So output d depends only on inputs earlier in the ordering.
 */
export interface MadeConnectivity {
  /** Degree (1-based position in the ordering) of each input/output dimension. */
  readonly inputDegrees: Int32Array;
  readonly hiddenDegrees: readonly Int32Array[];
  /** One `[inDim, outDim]` row-major 0/1 mask per layer (hidden layers, then the output layer). */
  readonly masks: readonly Float32Array[];
}

function shuffled(n: number, rng: SeededRng): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = rng.nextUint32() % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

function maskBetween(inDegrees: Int32Array, outDegrees: Int32Array, strict: boolean): Float32Array {
  const mask = new Float32Array(inDegrees.length * outDegrees.length);
  for (let i = 0; i < inDegrees.length; i += 1) {
    const row = i * outDegrees.length;
    for (let j = 0; j < outDegrees.length; j += 1) {
      mask[row + j] = (strict ? outDegrees[j] > inDegrees[i] : outDegrees[j] >= inDegrees[i]) ? 1 : 0;
    }
  }
  return mask;
}

/**
 * Connectivity number `index` of a MADE over `dataDim` inputs, drawn from the run seed (the
 * same seed and config always give the same masks, so they are not saved).
 */
export function madeConnectivity(
  seed: number,
  index: number,
  dataDim: number,
  hiddenDims: readonly number[],
  ordering: 'natural' | 'random',
): MadeConnectivity {
  const rng = new SeededRng(deriveSeed(seed, 'made-mask', index));
  const inputDegrees = ordering === 'natural' ? Int32Array.from({ length: dataDim }, (_, d) => d + 1) : shuffled(dataDim, rng);
  const hiddenDegrees: Int32Array[] = [];
  let lo = 1;
  for (const width of hiddenDims) {
    const hi = Math.max(lo, dataDim - 1); // D = 1: every hidden unit has degree 1 and no output sees it
    const degrees = Int32Array.from({ length: width }, () => lo + (rng.nextUint32() % (hi - lo + 1)));
    hiddenDegrees.push(degrees);
    lo = degrees.reduce((m, d) => Math.min(m, d), hi);
  }
  const layers = [inputDegrees, ...hiddenDegrees];
  const masks = hiddenDegrees.map((degrees, l) => maskBetween(layers[l], degrees, false));
  masks.push(maskBetween(hiddenDegrees[hiddenDegrees.length - 1], inputDegrees, true));
  return { inputDegrees, hiddenDegrees, masks };
}
