/**
 * A run's "final metrics" for the runs table: the latest training metric points, and the
 * results of its latest completed evaluations.
 */

export interface PointLike {
  key: string;
  step: number;
  value: number;
}

export interface EvaluationLike {
  completed: boolean;
  results: ReadonlyArray<{ metric: string; unit: string; value: number }>;
}

/** The value at the highest step of each key. */
export function latestPoints(points: readonly PointLike[]): Record<string, number> {
  const latest = new Map<string, PointLike>();
  for (const point of points) {
    const seen = latest.get(point.key);
    if (!seen || point.step >= seen.step) latest.set(point.key, point);
  }
  return Object.fromEntries([...latest].map(([key, p]) => [key, p.value]));
}

/** The name a result goes by in queries: the metric, with `_bpd` for its bits/dim twin. */
export const metricKey = (metric: string, unit: string): string => (unit === 'bits/dim' ? `${metric}_bpd` : metric);

/**
 * Evaluation results by metric key, newest evaluation first in the input: the newest
 * completed evaluation that reports a key gives its value (and unit).
 */
export function latestEvaluationMetrics(newestFirst: readonly EvaluationLike[]): { values: Record<string, number>; units: Record<string, string> } {
  const values: Record<string, number> = {};
  const units: Record<string, string> = {};
  for (const evaluation of newestFirst) {
    if (!evaluation.completed) continue;
    for (const result of evaluation.results) {
      const key = metricKey(result.metric, result.unit);
      if (key in values) continue;
      values[key] = result.value;
      units[key] = result.unit;
    }
  }
  return { values, units };
}
