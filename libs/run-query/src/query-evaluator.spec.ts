import { describe, expect, it } from 'vitest';
import { matches, sortRecords, type RunRecord } from './query-evaluator';
import { parseField } from './query-fields';
import { parseQuery } from './query-parser';

const run = (id: string, family: string, params: object, metrics: Record<string, number>, status = 'completed'): RunRecord & { id: string } => ({
  id,
  attributes: { id, family, status, dataset: 'ring8', experiment: 'sweep', seed: Number(id.slice(1)), steps: 20 },
  params,
  metrics,
});

const runs = [
  run('r1', 'vae', { beta: 1, hiddenDims: [400], conditional: false }, { test_nll: 120, 'train/loss': 130 }),
  run('r2', 'vae', { beta: 4, hiddenDims: [64, 64], conditional: true }, { test_nll: 150 }),
  run('r3', 'vae', { beta: 0.5, hiddenDims: [400] }, { test_nll: 90 }, 'running'),
  run('r4', 'dcgan', { latentDim: 64 }, { fid: 12.5 }),
  run('r5', 'made', { hiddenDims: [500] }, {}, 'failed'),
];

const filter = (query: string) => runs.filter((r) => matches(parseQuery(query), r)).map((r) => r.id);

describe('matches', () => {
  it('evaluates the issue example: vae and (low NLL or high beta)', () => {
    expect(filter('family = "vae" and (metrics.test_nll < 100 or params.beta >= 2)')).toEqual(['r2', 'r3']);
  });

  it('matches every run for a blank query', () => {
    expect(filter('')).toHaveLength(5);
  });

  it('evaluates OR across families and NOT', () => {
    expect(filter('family = "dcgan" or family = "made"')).toEqual(['r4', 'r5']);
    expect(filter('not family = "vae"')).toEqual(['r4', 'r5']);
  });

  it('compares text without regard to case', () => {
    expect(filter('family = "VAE" and status != "Running"')).toEqual(['r1', 'r2']);
  });

  it('is false for a run without the field, whatever the operator', () => {
    expect(filter('params.beta != 1')).toEqual(['r2', 'r3']);
    expect(filter('metrics.fid >= 0')).toEqual(['r4']);
  });

  it('evaluates ranges with open and closed ends', () => {
    expect(filter('params.beta in [0.5, 4)')).toEqual(['r1', 'r3']);
    expect(filter('0.5 < params.beta <= 4')).toEqual(['r1', 'r2']);
  });

  it('reads nested params, array elements, booleans and numeric attributes', () => {
    expect(filter('params.hiddenDims.0 = 400')).toEqual(['r1', 'r3']);
    expect(filter('params.hiddenDims.1 = 64')).toEqual(['r2']);
    expect(filter('params.conditional = true')).toEqual(['r2']);
    expect(filter('seed >= 4')).toEqual(['r4', 'r5']);
    expect(filter('metrics.train/loss < 200')).toEqual(['r1']);
  });

  it('does not treat an array or object as a value', () => {
    expect(filter('params.hiddenDims = 400')).toEqual([]);
  });
});

describe('sortRecords', () => {
  it('orders numbers both ways and keeps runs without the field last', () => {
    const nll = parseField('metrics.test_nll');
    expect(sortRecords(runs, nll, 'asc').map((r) => r.id)).toEqual(['r3', 'r1', 'r2', 'r4', 'r5']);
    expect(sortRecords(runs, nll, 'desc').map((r) => r.id)).toEqual(['r2', 'r1', 'r3', 'r4', 'r5']);
  });

  it('orders text alphabetically and is stable for ties', () => {
    expect(sortRecords(runs, parseField('family'), 'asc').map((r) => r.id)).toEqual(['r4', 'r5', 'r1', 'r2', 'r3']);
  });

  it('filters and sorts on tags; a run without the tag never matches a comparison on it', () => {
    const tagged = [
      { ...run('t1', 'vae', {}, {}), tags: { team: 'Vision', stage: 'baseline' } },
      { ...run('t2', 'vae', {}, {}), tags: { team: 'audio' } },
      run('t3', 'vae', {}, {}),
    ];
    const ids = (query: string) => tagged.filter((r) => matches(parseQuery(query), r)).map((r) => r.id);
    expect(ids('tags.team = "vision"')).toEqual(['t1']);
    expect(ids('tags.team != "vision"')).toEqual(['t2']);
    expect(ids('tags.stage = "baseline" or tags.team = "audio"')).toEqual(['t1', 't2']);
    expect(ids('not tags.team = "audio"')).toEqual(['t1', 't3']);
    expect(sortRecords(tagged, parseField('tags.team'), 'asc').map((r) => r.id)).toEqual(['t2', 't1', 't3']);
  });
});
