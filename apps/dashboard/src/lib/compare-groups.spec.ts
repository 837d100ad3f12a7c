import { describe, expect, it } from 'vitest';
import { aggregateCurves, compareParamValues, groupRuns, SEED_GROUPING, varyingParams, type GroupableRun } from './compare-groups';

const curve = (entries: Array<[number, number]>) => entries;

// Three seeds; B logs steps 0, 20, 30, 40 where A and C log 0, 10, 20, 30.
const A = curve([[0, 4], [10, 3], [20, 2], [30, 1]]);
const B = curve([[0, 6], [20, 4], [30, 2], [40, 0]]);
const C = curve([[0, 5], [10, 1], [20, 3], [30, 6]]);

describe('aggregateCurves', () => {
  it('averages runs with different logged steps at the steps they all share, with the sample std', () => {
    const points = aggregateCurves([A, B, C]);
    expect(points.map((p) => p.step)).toEqual([0, 20, 30]);
    // step 0: 4 6 5 -> mean 5, squares 1 1 0 over n-1 = 2 -> std 1
    // step 20: 2 4 3 -> mean 3, std 1
    // step 30: 1 2 6 -> mean 3, squares 4 1 9 = 14 / 2 = 7 -> std sqrt(7)
    expect(points.map((p) => p.mean)).toEqual([5, 3, 3]);
    expect(points[0]!.std).toBeCloseTo(1, 12);
    expect(points[1]!.std).toBeCloseTo(1, 12);
    expect(points[2]!.std).toBeCloseTo(Math.sqrt(7), 12);
    expect(points.every((p) => p.runs === 3)).toBe(true);
  });

  it('uses n - 1: two runs 4 and 6 have std sqrt(2), not 1', () => {
    const [first] = aggregateCurves([A, B]);
    expect(first).toEqual({ step: 0, mean: 5, std: Math.SQRT2, runs: 2 });
  });

  it('gives a group of one run its own curve without a band', () => {
    expect(aggregateCurves([A])).toEqual([
      { step: 0, mean: 4, runs: 1 },
      { step: 10, mean: 3, runs: 1 },
      { step: 20, mean: 2, runs: 1 },
      { step: 30, mean: 1, runs: 1 },
    ]);
  });

  it('drops a step where a run logged a non-finite value, and accepts unsorted input', () => {
    const withNaN = curve([[30, 6], [0, 5], [20, Number.NaN]]);
    const points = aggregateCurves([[...A].reverse(), withNaN]);
    expect(points.map((p) => [p.step, p.mean])).toEqual([
      [0, 4.5],
      [30, 3.5],
    ]);
  });

  it('has no points when the runs share no step, and none for no runs', () => {
    expect(aggregateCurves([curve([[1, 1]]), curve([[2, 2]])])).toEqual([]);
    expect(aggregateCurves([])).toEqual([]);
  });
});

const run = (id: string, seed: number, config: Record<string, unknown>, family = 'vae'): GroupableRun => ({ id, seed, config, family, datasetId: 'd1' });

describe('groupRuns', () => {
  const runs = [
    run('r1', 1, { beta: 4, lr: 0.001 }),
    run('r2', 1, { beta: 1, lr: 0.001 }),
    run('r3', 2, { beta: 4, lr: 0.001 }),
    run('r4', 2, { beta: 1, lr: 0.001 }),
    run('r5', 3, { beta: 1, lr: 0.01 }),
    run('r6', 1, { lr: 0.001 }),
  ];

  it('groups by a param in value order, the missing value last', () => {
    expect(groupRuns(runs, 'beta').map((g) => [g.label, g.runIds, g.seeds])).toEqual([
      ['beta = 1', ['r2', 'r4', 'r5'], [1, 2, 3]],
      ['beta = 4', ['r1', 'r3'], [1, 2]],
      ['beta = —', ['r6'], [1]],
    ]);
  });

  it('groups runs whose configs differ only by seed, labelled by the params that vary', () => {
    expect(groupRuns(runs, SEED_GROUPING).map((g) => [g.label, g.runIds])).toEqual([
      ['beta = 4, lr = 0.001', ['r1', 'r3']],
      ['beta = 1, lr = 0.001', ['r2', 'r4']],
      ['beta = 1, lr = 0.01', ['r5']],
      ['beta = —, lr = 0.001', ['r6']],
    ]);
  });

  it('keeps different families apart when grouping by seed, and names them', () => {
    const groups = groupRuns([run('a', 1, { x: 1 }), run('b', 2, { x: 1 }, 'flow'), run('c', 3, { x: 1, seed: 3 })], SEED_GROUPING);
    expect(groups.map((g) => [g.label, g.runIds])).toEqual([
      ['vae', ['a', 'c']],
      ['flow', ['b']],
    ]);
  });
});

describe('varyingParams', () => {
  it('lists scalar params that differ or are missing somewhere, not a config seed or objects', () => {
    expect(varyingParams([{ b: 1, a: 'x', seed: 1, same: 2, nested: { k: 1 } }, { b: 2, a: 'x', seed: 2, same: 2, nested: { k: 2 } }, { b: 1, same: 2 }])).toEqual(['a', 'b']);
  });

  it('orders values numerically, then booleans, then strings naturally', () => {
    expect([10, 'b10', 2, true, undefined, 'b9', false].sort(compareParamValues)).toEqual([2, 10, false, true, 'b9', 'b10', undefined]);
  });
});
