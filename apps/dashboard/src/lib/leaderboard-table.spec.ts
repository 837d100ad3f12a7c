import { describe, expect, it } from 'vitest';
import { columnKey, leaderboardView, quality, type LeaderboardRowInput } from './leaderboard-table';
import type { Measurement } from './measurement';

const m = (metric: string, value: number, unit: string, estimator: string, extra: Partial<Measurement> = {}): Measurement => ({
  metric,
  value,
  unit,
  estimator,
  sampleCount: 500,
  features: '',
  ...extra,
});

const rows: LeaderboardRowInput[] = [
  {
    runId: 'flow',
    family: 'realnvp',
    density: 'explicit-exact',
    experimentId: 'e',
    realData: false,
    results: [m('test_nll', 1.9, 'nats', 'exact'), m('test_nll', 1.37, 'bits/dim', 'exact'), m('fid', 0.4, 'distance', 'fid', { features: 'raw' })],
  },
  {
    runId: 'gan',
    family: 'dcgan',
    density: 'implicit',
    experimentId: 'e',
    realData: false,
    results: [m('fid', 0.2, 'distance', 'fid', { features: 'raw' }), m('precision', 0.9, 'fraction', 'knn-3', { features: 'raw' })],
  },
  {
    runId: 'vae',
    family: 'vae',
    density: 'explicit-approximate',
    experimentId: 'e',
    realData: false,
    results: [m('neg_elbo', 2.5, 'nats', 'elbo'), m('fid', 0.9, 'distance', 'fid', { features: 'raw' }), m('precision', 0.5, 'fraction', 'knn-3', { features: 'raw' })],
  },
  { runId: '', family: 'real data', density: '', experimentId: '', realData: true, results: [m('fid', 0.01, 'distance', 'fid', { features: 'raw' })] },
];

const fid = columnKey({ metric: 'fid', estimator: 'fid', unit: 'distance', features: 'raw' });

describe('leaderboardView', () => {
  it('puts explicit and implicit families in one table, likelihoods first, one likelihood unit at a time', () => {
    const view = leaderboardView(rows);
    expect(view.columns.map((c) => `${c.metric}/${c.unit}`)).toEqual(['test_nll/nats', 'neg_elbo/nats', 'fid/distance', 'precision/fraction']);
    expect(view.lines.map((l) => l.family)).toEqual(['realnvp', 'dcgan', 'vae']);
    const bits = leaderboardView(rows, { unit: 'bits/dim' });
    expect(bits.columns.map((c) => `${c.metric}/${c.unit}`)).toEqual(['test_nll/bits/dim', 'fid/distance', 'precision/fraction']);
  });

  it('keeps the real-data floor apart from the ranked rows', () => {
    const view = leaderboardView(rows, { sort: fid });
    expect(view.floor?.cells.get(fid)?.value).toBe(0.01);
    expect(view.lines.every((l) => !l.realData)).toBe(true);
  });

  it('sorts by a column in its better direction by default, runs without it last', () => {
    expect(leaderboardView(rows, { sort: fid }).lines.map((l) => l.runId)).toEqual(['gan', 'flow', 'vae']);
    expect(leaderboardView(rows, { sort: fid, direction: 'desc' }).lines.map((l) => l.runId)).toEqual(['vae', 'flow', 'gan']);
    const precision = columnKey({ metric: 'precision', estimator: 'knn-3', unit: 'fraction', features: 'raw' });
    const view = leaderboardView(rows, { sort: precision });
    expect(view.sort).toEqual({ key: precision, direction: 'desc' });
    expect(view.lines.map((l) => l.runId)).toEqual(['gan', 'vae', 'flow']);
  });

  it('ignores an unknown sort column', () => {
    expect(leaderboardView(rows, { sort: 'nope' }).sort).toBeUndefined();
  });

  it('scores a value between the worst (0) and best (1) model in its column', () => {
    const column = leaderboardView(rows).columns.find((c) => c.key === fid)!;
    expect([column.best, column.worst]).toEqual([0.2, 0.9]);
    expect(quality(column, 0.2)).toBe(1);
    expect(quality(column, 0.9)).toBe(0);
    expect(quality(column, 0.55)).toBeCloseTo(0.5);
    expect(quality(column, 0.01)).toBe(1); // the floor is beyond the best model: clamped
  });
});
