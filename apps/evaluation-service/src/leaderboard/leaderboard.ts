import type { DatasetEvaluation, EvaluationResult } from '@genlab/db';
import { betterOf } from '../evaluations/metric-catalog';

export interface LeaderboardEntry {
  readonly runId: string;
  readonly family: string;
  readonly experimentId: string;
  /** The best value of each (metric, estimator, unit, features) over the run's evaluations. */
  readonly results: EvaluationResult[];
}

export interface LeaderboardTable {
  readonly rows: LeaderboardEntry[];
  /** Real data against real data: the floor of each sample metric (latest measured). */
  readonly realData: EvaluationResult[];
}

const keyOf = (r: EvaluationResult) => [r.metric, r.estimator, r.unit, r.features].join('\u0000');
const isBetter = (candidate: EvaluationResult, incumbent: EvaluationResult) =>
  betterOf(candidate.metric) === 'lower' ? candidate.value < incumbent.value : candidate.value > incumbent.value;

/**
 * Per run, the best result of every metric over its completed evaluations (any checkpoint),
 * so explicit and implicit families sit in one table: each number keeps its estimator, unit
 * and features, and only like is compared with like. Rows are ordered by the first metric
 * every row shares, best first; the real-data row holds the sample metrics' floors.
 */
export function buildLeaderboard(evaluations: readonly DatasetEvaluation[]): LeaderboardTable {
  const byRun = new Map<string, { entry: LeaderboardEntry; best: Map<string, EvaluationResult> }>();
  const floors = new Map<string, EvaluationResult>();
  for (const evaluation of evaluations) {
    let run = byRun.get(evaluation.runId);
    if (!run) {
      run = { entry: { runId: evaluation.runId, family: evaluation.family, experimentId: evaluation.experimentId, results: [] }, best: new Map() };
      byRun.set(evaluation.runId, run);
    }
    for (const result of evaluation.results) {
      const key = keyOf(result);
      const incumbent = run.best.get(key);
      if (!incumbent || isBetter(result, incumbent)) run.best.set(key, result);
      if (result.realValue !== null) {
        floors.set(key, { ...result, value: result.realValue, stdError: result.realStdError, realValue: null, realStdError: null });
      }
    }
  }
  const rows = [...byRun.values()].map(({ entry, best }) => ({ ...entry, results: [...best.values()].sort(byMetric) }));
  const shared = sharedKey(rows);
  if (shared) {
    const value = (row: LeaderboardEntry) => row.results.find((r) => keyOf(r) === shared)?.value ?? Number.NaN;
    const sign = betterOf(shared.split('\u0000')[0] as string) === 'lower' ? 1 : -1;
    rows.sort((a, b) => sign * (value(a) - value(b)));
  }
  return { rows, realData: [...floors.values()].sort(byMetric) };
}

const byMetric = (a: EvaluationResult, b: EvaluationResult) => keyOf(a).localeCompare(keyOf(b));

/** The first (metric, estimator, unit, features) every row has, preferring NLLs in nats. */
function sharedKey(rows: readonly LeaderboardEntry[]): string | undefined {
  if (rows.length === 0) return undefined;
  const common = [...new Set(rows[0]?.results.map(keyOf))].filter((key) => rows.every((row) => row.results.some((r) => keyOf(r) === key)));
  const preference = (key: string) => {
    const [metric, , unit] = key.split('\u0000');
    return (unit === 'nats' ? 0 : 2) + (metric === 'test_nll' || metric === 'iwae' || metric === 'neg_elbo' ? 0 : 1);
  };
  return common.sort((a, b) => preference(a) - preference(b))[0];
}
