import { invalidArgument } from '@genlab/errors';
import { integerAtLeast } from '../validation';

/** Default number of equal-width confidence bins of the expected calibration error (Guo et al. 2017). */
export const DEFAULT_CALIBRATION_BINS = 15;

/** One bin of a reliability diagram: predictions whose confidence lies in (lower, upper]. */
export interface CalibrationBin {
  readonly lower: number;
  readonly upper: number;
  /** Predictions in the bin. */
  readonly count: number;
  /** Fraction of them that are correct (0 when the bin is empty). */
  readonly accuracy: number;
  /** Their mean confidence (0 when the bin is empty). */
  readonly meanConfidence: number;
}

export interface Calibration {
  /** Σ_b (|B_b| / n) · |accuracy(B_b) − meanConfidence(B_b)|, in [0, 1]. */
  readonly ece: number;
  /** Every bin, empty ones included, in increasing confidence. */
  readonly reliability: readonly CalibrationBin[];
}

/**
 * Expected calibration error over `bins` equal-width bins of [0, 1] (Guo et al. 2017,
 * "On Calibration of Modern Neural Networks"). Bin b holds the predictions with confidence in
 * (b/bins, (b+1)/bins], right-closed with the edges taken as the float64 values b/bins (so a
 * confidence of exactly 0.7 falls in (0.6, 0.7] with 10 bins); a confidence of exactly 0 goes
 * to the first bin. `confidences[i]` is the probability the classifier gave its prediction
 * (the top-label or max-probability convention) and `correct[i]` whether that prediction was
 * right. Sums run in float64.
 */
export function expectedCalibrationError(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  bins: number = DEFAULT_CALIBRATION_BINS,
): Calibration {
  integerAtLeast(bins, 1, 'bins');
  const n = confidences.length;
  if (n < 1) throw invalidArgument('confidences: needs at least one prediction');
  if (correct.length !== n) throw invalidArgument(`correct: ${correct.length} entries for ${n} confidences`);
  const counts = new Float64Array(bins);
  const hits = new Float64Array(bins);
  const confidenceSums = new Float64Array(bins);
  for (let i = 0; i < n; i += 1) {
    const confidence = confidences[i];
    if (!(confidence >= 0 && confidence <= 1)) throw invalidArgument(`confidences: entry ${i} is ${confidence}, outside [0, 1]`);
    const b = binOf(confidence, bins);
    counts[b] += 1;
    confidenceSums[b] += confidence;
    if (correct[i]) hits[b] += 1;
  }
  let ece = 0;
  const reliability: CalibrationBin[] = [];
  for (let b = 0; b < bins; b += 1) {
    const count = counts[b];
    const accuracy = count > 0 ? hits[b] / count : 0;
    const meanConfidence = count > 0 ? confidenceSums[b] / count : 0;
    ece += (count / n) * Math.abs(accuracy - meanConfidence);
    reliability.push({ lower: b / bins, upper: (b + 1) / bins, count, accuracy, meanConfidence });
  }
  return { ece, reliability };
}

/** The b with b/bins < confidence ≤ (b+1)/bins (0 for confidence 0), against the float64 edges. */
function binOf(confidence: number, bins: number): number {
  let b = Math.min(bins - 1, Math.max(0, Math.ceil(confidence * bins) - 1));
  // confidence · bins can round across an edge: settle against the edges themselves.
  while (b > 0 && confidence <= b / bins) b -= 1;
  while (b < bins - 1 && confidence > (b + 1) / bins) b += 1;
  return b;
}
