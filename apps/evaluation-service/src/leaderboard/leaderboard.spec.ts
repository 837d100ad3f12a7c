import { describe, expect, it } from 'vitest';
import type { DatasetEvaluation, EvaluationResult } from '@genlab/db';
import { buildLeaderboard } from './leaderboard';

const result = (metric: string, value: number, extra: Partial<EvaluationResult> = {}): EvaluationResult => ({
  metric,
  value,
  unit: 'nats',
  estimator: 'exact',
  stdError: 0.1,
  sampleCount: 100,
  realValue: null,
  realStdError: null,
  features: '',
  ...extra,
});

let counter = 0;
const evaluation = (runId: string, family: string, results: EvaluationResult[]): DatasetEvaluation => ({
  id: `e${++counter}`,
  runId,
  checkpointId: `c${counter}`,
  status: 'completed',
  error: null,
  metrics: [],
  options: {},
  createdAt: new Date(counter * 1000),
  finishedAt: new Date(counter * 1000),
  results,
  family,
  experimentId: 'x1',
  step: counter,
});

describe('buildLeaderboard', () => {
  it("keeps each run's best value per metric and estimator, lower or higher as the metric wants", () => {
    const fid = (value: number, realValue: number) => result('fid', value, { unit: 'distance', estimator: 'fid', features: 'classifier:a@v1', realValue, stdError: null });
    const precision = (value: number) => result('precision', value, { unit: 'fraction', estimator: 'knn-3', features: 'classifier:a@v1', stdError: null });
    const table = buildLeaderboard([
      evaluation('made-1', 'made', [result('test_nll', 110), fid(30, 1.2), precision(0.5)]),
      evaluation('made-1', 'made', [result('test_nll', 105), fid(35, 1.1), precision(0.7)]),
      evaluation('gan-1', 'dcgan', [fid(12, 1.0), precision(0.9)]),
      evaluation('vae-1', 'vae', [result('iwae', 98, { estimator: 'iwae-100' }), fid(20, 1.0), precision(0.6)]),
    ]);
    const made = table.rows.find((r) => r.runId === 'made-1')!;
    expect(made.results.map((r) => [r.metric, r.value])).toEqual([
      ['fid', 30],
      ['precision', 0.7],
      ['test_nll', 105],
    ]);
    // Explicit and implicit in one table, ordered by the metric all share (fid, lower first).
    expect(table.rows.map((r) => r.family)).toEqual(['dcgan', 'vae', 'made']);
    // The floor: the latest real-vs-real value, as its own row.
    expect(table.realData.map((r) => [r.metric, r.value, r.realValue])).toEqual([['fid', 1.0, null]]);
  });

  it('never compares numbers with different estimators or units', () => {
    const table = buildLeaderboard([
      evaluation('vae-1', 'vae', [result('iwae', 99, { estimator: 'iwae-100' }), result('iwae', 97, { estimator: 'iwae-5000' })]),
      evaluation('vae-2', 'vae', [result('iwae', 98, { estimator: 'iwae-100' })]),
    ]);
    const first = table.rows.find((r) => r.runId === 'vae-1')!;
    expect(first.results.map((r) => r.estimator)).toEqual(['iwae-100', 'iwae-5000']);
    expect(table.rows.map((r) => r.runId)).toEqual(['vae-2', 'vae-1']); // ranked on iwae-100, the one both have
  });

  it('is empty without evaluations', () => {
    expect(buildLeaderboard([])).toEqual({ rows: [], realData: [] });
  });
});
