import { metricRank } from './measurement';
import { latestPoints, metricKey, type PointLike } from './run-metrics';

/**
 * The metrics a parallel-coordinates axis can show for the compared runs: each run's last
 * logged training metrics and the results of its newest completed evaluations, named the
 * way the runs table names them (`test_nll`, `test_nll_bpd`, `train/loss`).
 */

export interface FinalValue {
  value: number;
  source: 'training' | 'evaluation';
  unit?: string;
  estimator?: string;
}

export interface EvaluatedLike {
  completed: boolean;
  results: ReadonlyArray<{ metric: string; unit: string; estimator: string; value: number }>;
}

/** A run's final values by key; evaluations newest first (the newest one reporting a key wins over training). */
export function finalValues(points: readonly PointLike[], newestFirst: readonly EvaluatedLike[]): Record<string, FinalValue> {
  const values: Record<string, FinalValue> = {};
  for (const [key, value] of Object.entries(latestPoints(points))) values[key] = { value, source: 'training' };
  const evaluated = new Set<string>();
  for (const evaluation of newestFirst) {
    if (!evaluation.completed) continue;
    for (const result of evaluation.results) {
      const key = metricKey(result.metric, result.unit);
      if (evaluated.has(key)) continue;
      evaluated.add(key);
      values[key] = { value: result.value, source: 'evaluation', unit: result.unit, estimator: result.estimator };
    }
  }
  return values;
}

export interface MetricChoice {
  key: string;
  /** "test_nll (nats; iwae-100)", "train/loss (last logged)". */
  label: string;
  source: 'training' | 'evaluation';
  /** How many of the runs have it. */
  runs: number;
}

/**
 * Every key any run has, evaluation results first (likelihoods before sample metrics, as
 * elsewhere on the dashboard), then training metrics by name. Units and estimators that
 * differ between runs are all listed.
 */
export function metricChoices(perRun: ReadonlyArray<Readonly<Record<string, FinalValue>>>): MetricChoice[] {
  const seen = new Map<string, { source: FinalValue['source']; units: Set<string>; estimators: Set<string>; runs: number }>();
  for (const values of perRun) {
    for (const [key, v] of Object.entries(values)) {
      let entry = seen.get(key);
      if (!entry) seen.set(key, (entry = { source: v.source, units: new Set(), estimators: new Set(), runs: 0 }));
      if (v.source === 'evaluation') entry.source = 'evaluation';
      if (v.unit) entry.units.add(v.unit);
      if (v.estimator) entry.estimators.add(v.estimator);
      entry.runs += 1;
    }
  }
  const rank = (key: string, source: FinalValue['source']) => (source === 'training' ? 1000 : metricRank(key.replace(/_bpd$/, '')) + (key.endsWith('_bpd') ? 0.5 : 0));
  return [...seen]
    .sort(([a, x], [b, y]) => rank(a, x.source) - rank(b, y.source) || a.localeCompare(b))
    .map(([key, entry]) => {
      const details = [[...entry.units].join(' / '), [...entry.estimators].join(' / ')].filter(Boolean).join('; ');
      const label = entry.source === 'training' ? `${key} (last logged)` : details ? `${key.replace(/_bpd$/, '')} (${details})` : key;
      return { key, label, source: entry.source, runs: entry.runs };
    });
}
