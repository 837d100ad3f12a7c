import { describe, expect, it } from 'vitest';
import { finalValues, metricChoices } from './compare-metrics';

const points = [
  { key: 'train/loss', step: 10, value: 3 },
  { key: 'train/loss', step: 20, value: 2 },
  { key: 'train/kl', step: 20, value: 0.5 },
];

describe('finalValues', () => {
  it('takes the last training points and the newest completed evaluation per result', () => {
    const values = finalValues(points, [
      { completed: false, results: [{ metric: 'test_nll', unit: 'nats', estimator: 'iwae-100', value: 1 }] },
      {
        completed: true,
        results: [
          { metric: 'test_nll', unit: 'nats', estimator: 'iwae-100', value: 90 },
          { metric: 'test_nll', unit: 'bits/dim', estimator: 'iwae-100', value: 0.2 },
        ],
      },
      { completed: true, results: [{ metric: 'test_nll', unit: 'nats', estimator: 'elbo', value: 95 }, { metric: 'fid', unit: 'distance', estimator: 'fid', value: 12 }] },
    ]);
    expect(values).toEqual({
      'train/loss': { value: 2, source: 'training' },
      'train/kl': { value: 0.5, source: 'training' },
      test_nll: { value: 90, source: 'evaluation', unit: 'nats', estimator: 'iwae-100' },
      test_nll_bpd: { value: 0.2, source: 'evaluation', unit: 'bits/dim', estimator: 'iwae-100' },
      fid: { value: 12, source: 'evaluation', unit: 'distance', estimator: 'fid' },
    });
  });
});

describe('metricChoices', () => {
  it('lists evaluation results first with units and estimators, then training metrics, counting runs', () => {
    const choices = metricChoices([
      { 'train/loss': { value: 2, source: 'training' }, fid: { value: 12, source: 'evaluation', unit: 'distance', estimator: 'fid' } },
      {
        'train/loss': { value: 3, source: 'training' },
        test_nll: { value: 90, source: 'evaluation', unit: 'nats', estimator: 'iwae-100' },
        test_nll_bpd: { value: 0.2, source: 'evaluation', unit: 'bits/dim', estimator: 'iwae-100' },
      },
      { test_nll: { value: 95, source: 'evaluation', unit: 'nats', estimator: 'exact' } },
    ]);
    expect(choices).toEqual([
      { key: 'test_nll', label: 'test_nll (nats; iwae-100 / exact)', source: 'evaluation', runs: 2 },
      { key: 'test_nll_bpd', label: 'test_nll (bits/dim; iwae-100)', source: 'evaluation', runs: 1 },
      { key: 'fid', label: 'fid (distance; fid)', source: 'evaluation', runs: 1 },
      { key: 'train/loss', label: 'train/loss (last logged)', source: 'training', runs: 2 },
    ]);
  });
});
