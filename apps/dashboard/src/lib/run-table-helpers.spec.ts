import { describe, expect, it } from 'vitest';
import { parseField, parseQuery, referencedFields, type RunRecord } from '@genlab/run-query';
import { toCsv } from './csv';
import { latestEvaluationMetrics, latestPoints } from './run-metrics';
import { metricColumns, paramColumns } from './runs-columns';

describe('latestPoints', () => {
  it('keeps the value at the highest step of each key, whatever the order', () => {
    expect(latestPoints([
      { key: 'train/loss', step: 20, value: 1.5 },
      { key: 'train/loss', step: 10, value: 3 },
      { key: 'val/loss', step: 5, value: 2 },
    ])).toEqual({ 'train/loss': 1.5, 'val/loss': 2 });
  });
});

describe('latestEvaluationMetrics', () => {
  it('takes each metric from the newest completed evaluation that has it, bits/dim as _bpd', () => {
    const { values, units } = latestEvaluationMetrics([
      { completed: false, results: [{ metric: 'neg_elbo', unit: 'nats', value: 1 }] },
      { completed: true, results: [{ metric: 'neg_elbo', unit: 'nats', value: 98 }, { metric: 'neg_elbo', unit: 'bits/dim', value: 0.18 }] },
      { completed: true, results: [{ metric: 'neg_elbo', unit: 'nats', value: 120 }, { metric: 'fid', unit: 'distance', value: 3 }] },
    ]);
    expect(values).toEqual({ neg_elbo: 98, neg_elbo_bpd: 0.18, fid: 3 });
    expect(units).toEqual({ neg_elbo: 'nats', neg_elbo_bpd: 'bits/dim', fid: 'distance' });
  });
});

describe('toCsv', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    expect(toCsv(['name', 'value', 'note'], [['a,b', 1.5, 'say "hi"'], ['=SUM(A1)', undefined, 'line\nbreak'], ['-3', -3, true]])).toBe(
      'name,value,note\r\n"a,b",1.5,"say ""hi"""\r\n\'=SUM(A1),,"line\nbreak"\r\n\'-3,-3,true\r\n',
    );
  });
});

const record = (params: object, metrics: Record<string, number>): RunRecord => ({ attributes: {}, params, metrics });

describe('table columns', () => {
  const records = [
    record({ beta: 1, latentDim: 2, hiddenDims: [32], likelihood: 'gaussian' }, { 'train/loss': 3, neg_elbo: 4, neg_elbo_bpd: 1 }),
    record({ beta: 4, latentDim: 2, hiddenDims: [64], likelihood: 'gaussian' }, { 'train/loss': 2, fid: 1 }),
  ];

  it('shows the params a sweep varies, after the ones the query names', () => {
    expect(paramColumns(records, [])).toEqual(['params.beta']);
    expect(paramColumns(records, referencedFields(parseQuery('params.latentDim = 2')))).toEqual(['params.latentDim', 'params.beta']);
  });

  it('shows training loss first, then likelihoods before sample metrics, without the bits/dim twins', () => {
    expect(metricColumns(records, [])).toEqual(['metrics.train/loss', 'metrics.neg_elbo', 'metrics.fid']);
    expect(metricColumns(records, [parseField('metrics.kl')], 2)).toEqual(['metrics.kl', 'metrics.train/loss']);
  });
});
