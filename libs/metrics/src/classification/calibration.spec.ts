import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { expectedCalibrationError } from './calibration';
import { classificationMetrics, classificationMetricsFromLogProbabilities, PROBABILITY_FLOOR } from './classification-metrics';

/**
 * Eight 3-class predictions written out by hand. Confidence (max p), prediction, label:
 * 0.90 → 0 ✓ | 0.85 → 1 ✗ | 0.95 → 2 ✓ | 0.70 → 1 ✓ | 0.65 → 0 ✓ | 0.50 → 2 ✗ | 0.45 → 0 ✓ | 0.55 → 1 ✗
 */
const ROWS = [
  [0.9, 0.05, 0.05],
  [0.05, 0.85, 0.1],
  [0.025, 0.025, 0.95],
  [0.2, 0.7, 0.1],
  [0.65, 0.3, 0.05],
  [0.3, 0.2, 0.5],
  [0.45, 0.35, 0.2],
  [0.25, 0.55, 0.2],
];
const LABELS = [0, 0, 2, 1, 0, 0, 0, 2];
const probabilities = { values: Float64Array.from(ROWS.flat()), count: 8, numClasses: 3 };

describe('expected calibration error', () => {
  it('matches the hand computation with 5 bins', () => {
    // (0.8, 1]: 0.90 ✓, 0.85 ✗, 0.95 ✓ → accuracy 2/3, confidence 0.9
    // (0.6, 0.8]: 0.70 ✓, 0.65 ✓ → accuracy 1, confidence 0.675
    // (0.4, 0.6]: 0.50 ✗, 0.45 ✓, 0.55 ✗ → accuracy 1/3, confidence 0.5
    const expected = (3 / 8) * Math.abs(2 / 3 - 0.9) + (2 / 8) * Math.abs(1 - 0.675) + (3 / 8) * Math.abs(1 / 3 - 0.5); // = 0.23125
    const metrics = classificationMetrics(probabilities, LABELS, { bins: 5 });
    expect(expected).toBeCloseTo(0.23125, 12);
    expect(metrics.ece).toBeCloseTo(expected, 12);
    expect(metrics.reliability.map((bin) => bin.count)).toEqual([0, 0, 3, 2, 3]);
    expect(metrics.reliability[4]).toMatchObject({ lower: 0.8, upper: 1, accuracy: 2 / 3 });
    expect(metrics.reliability[4]!.meanConfidence).toBeCloseTo(0.9, 12);
  });

  it('matches the hand computation with the default 15 bins, where every prediction has a bin of its own', () => {
    // Bins of width 1/15 separate all eight confidences, so ECE = (1/8) Σ |[correct] − confidence|.
    const expected = (0.1 + 0.85 + 0.05 + 0.3 + 0.35 + 0.5 + 0.55 + 0.55) / 8; // = 0.40625
    const metrics = classificationMetrics(probabilities, LABELS);
    expect(metrics.bins).toBe(15);
    expect(metrics.ece).toBeCloseTo(expected, 12);
    expect(metrics.reliability.filter((bin) => bin.count > 0)).toHaveLength(8);
  });

  it('reports accuracy and the mean NLL of the true labels', () => {
    const metrics = classificationMetrics(probabilities, LABELS);
    expect(metrics.count).toBe(8);
    expect(metrics.accuracy).toBe(5 / 8);
    const labelProbabilities = [0.9, 0.05, 0.95, 0.7, 0.65, 0.3, 0.45, 0.2];
    expect(metrics.nll).toBeCloseTo(-labelProbabilities.reduce((sum, p) => sum + Math.log(p), 0) / 8, 12);
  });

  it('gives the same figures from log-probabilities, and floors p at 1e-12 in both forms', () => {
    const logs = { ...probabilities, values: probabilities.values.map(Math.log) };
    const fromLogs = classificationMetricsFromLogProbabilities(logs, LABELS);
    const fromProbabilities = classificationMetrics(probabilities, LABELS);
    expect(fromLogs.accuracy).toBe(fromProbabilities.accuracy);
    expect(fromLogs.nll).toBeCloseTo(fromProbabilities.nll, 12);
    expect(fromLogs.ece).toBeCloseTo(fromProbabilities.ece, 12);

    const certainAndWrong = { values: Float64Array.from([1, 0]), count: 1, numClasses: 2 };
    expect(classificationMetrics(certainAndWrong, [1]).nll).toBeCloseTo(-Math.log(PROBABILITY_FLOOR), 9);
    const logCertainAndWrong = { values: Float64Array.from([0, -Infinity]), count: 1, numClasses: 2 };
    expect(classificationMetricsFromLogProbabilities(logCertainAndWrong, [1]).nll).toBeCloseTo(-Math.log(PROBABILITY_FLOOR), 9);
  });

  it('puts a confidence on a bin edge in the bin it closes, (b/B, (b+1)/B]', () => {
    const edges = Array.from({ length: 10 }, (_, b) => (b + 1) / 10); // 0.1 … 1.0
    const { reliability } = expectedCalibrationError(edges, edges.map(() => true), 10);
    expect(reliability.map((bin) => bin.count)).toEqual(Array(10).fill(1));
    reliability.forEach((bin, b) => expect(bin.meanConfidence).toBe(edges[b]));
    expect(expectedCalibrationError([0], [false], 10).reliability[0]!.count).toBe(1);
    // Just above the edge 11/15, where confidence · 15 rounds down to exactly 11.
    const aboveEdge = 0.7333333333333334;
    expect(aboveEdge).toBeGreaterThan(11 / 15);
    const counts = expectedCalibrationError([11 / 15, aboveEdge], [true, true], 15).reliability.map((bin) => bin.count);
    expect(counts[10]).toBe(1);
    expect(counts[11]).toBe(1);
  });

  it('is 0 for a perfectly calibrated set and refuses malformed input', () => {
    // Confidence 0.75 in one bin with 3 of 4 right.
    expect(expectedCalibrationError([0.75, 0.75, 0.75, 0.75], [true, true, true, false]).ece).toBeCloseTo(0, 15);
    const invalid = { code: ErrorCode.InvalidArgument };
    expect(() => classificationMetrics({ ...probabilities, values: probabilities.values.map((p) => p / 2) }, LABELS)).toThrow(expect.objectContaining(invalid));
    expect(() => classificationMetrics(probabilities, [...LABELS.slice(1), 3])).toThrow(expect.objectContaining(invalid));
    expect(() => classificationMetrics(probabilities, LABELS.slice(1))).toThrow(expect.objectContaining(invalid));
    expect(() => classificationMetrics(probabilities, LABELS, { bins: 0 })).toThrow(expect.objectContaining(invalid));
    expect(() => expectedCalibrationError([1.5], [true])).toThrow(expect.objectContaining(invalid));
  });
});
