import { describe, expect, it } from 'vitest';
import type { Run } from '@genlab/db';
import { aggregate, summarizeConfigurations, type RunResult } from './experiment-summary';
import { canonicalJson, planSweep, type SweepSpec } from './sweep-plan';

const base: SweepSpec = { method: 'grid', baseConfig: { maxSteps: 10 }, parameters: [], numConfigurations: 0, sweepSeed: 0, seeds: [1] };

describe('planSweep', () => {
  it('expands a grid into every combination, the last parameter fastest, over the base config', () => {
    const plan = planSweep({
      ...base,
      parameters: [
        { field: 'learningRate', values: [0.01, 0.001] },
        { field: 'hiddenDims', values: [[16], [32, 32]] },
      ],
    });
    expect(plan.map((c) => c.parameters)).toEqual([
      { learningRate: 0.01, hiddenDims: [16] },
      { learningRate: 0.01, hiddenDims: [32, 32] },
      { learningRate: 0.001, hiddenDims: [16] },
      { learningRate: 0.001, hiddenDims: [32, 32] },
    ]);
    expect(plan[3]!.config).toEqual({ maxSteps: 10, learningRate: 0.001, hiddenDims: [32, 32] });
    expect(planSweep({ ...base, parameters: [] })).toEqual([{ parameters: {}, config: { maxSteps: 10 } }]); // seeds only
  });

  it('draws a random search from its seed: the same request gives the same configurations, within the ranges', () => {
    const spec: SweepSpec = {
      ...base,
      method: 'random',
      numConfigurations: 20,
      sweepSeed: 42,
      parameters: [
        { field: 'learningRate', values: [], range: { min: 1e-4, max: 1e-1, logScale: true, integer: false } },
        { field: 'latentDim', values: [], range: { min: 2, max: 8, logScale: false, integer: true } },
        { field: 'likelihood', values: ['gaussian', 'bernoulli'] },
      ],
    };
    const plan = planSweep(spec);
    expect(plan).toEqual(planSweep(spec));
    expect(plan).toHaveLength(20);
    expect(plan).not.toEqual(planSweep({ ...spec, sweepSeed: 43 }));
    for (const { parameters } of plan) {
      expect(parameters['learningRate']).toBeGreaterThanOrEqual(1e-4);
      expect(parameters['learningRate']).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(parameters['latentDim'])).toBe(true);
      expect(['gaussian', 'bernoulli']).toContain(parameters['likelihood']);
    }
    const small = planSweep({ ...spec, parameters: [{ field: 'likelihood', values: ['gaussian', 'bernoulli'] }] });
    expect(small.length).toBeLessThanOrEqual(2); // identical draws count once
  });

  it('refuses malformed declarations with INVALID_ARGUMENT naming the parameter', () => {
    const bad = (spec: Partial<SweepSpec>) => () => planSweep({ ...base, ...spec });
    expect(bad({ parameters: [{ field: 'lr', values: [] }] })).toThrow(/parameters\[0\] \(lr\): a grid needs values_json/);
    expect(bad({ parameters: [{ field: 'a', values: [1] }, { field: 'a', values: [2] }] })).toThrow(/a is swept twice/);
    expect(bad({ parameters: [{ field: 'config.x', values: [1] }] })).toThrow(/top-level config field/);
    expect(bad({ method: 'random', numConfigurations: 3, parameters: [{ field: 'lr', values: [], range: { min: 0, max: 1, logScale: true, integer: false } }] })).toThrow(/log_scale needs min > 0/);
    expect(bad({ method: 'random', numConfigurations: 0, parameters: [{ field: 'lr', values: [1] }] })).toThrow(/num_configurations/);
    expect(bad({ seeds: [] })).toThrow(/seeds: list at least one seed/);
    expect(bad({ seeds: [1, 1] })).toThrow(/each seed at most once/);
    expect(bad({ parameters: [{ field: 'a', values: Array.from({ length: 40 }, (_, i) => i) }], seeds: Array.from({ length: 30 }, (_, i) => i) })).toThrow(/40 configurations × 30 seeds, more than 1000 runs/);
  });
});

describe('summarizeConfigurations', () => {
  const run = (id: string, config: Record<string, unknown>, seed: number, status: Run['status'] = 'completed') =>
    ({ id, family: 'vae', datasetId: 'd', config, seed, status, sweepId: 's' }) as unknown as Run;

  it('groups runs by configuration whatever the key order, and aggregates final metrics over completed runs', () => {
    const runs = [
      run('a1', { latentDim: 2, beta: 1 }, 1),
      run('b1', { latentDim: 4, beta: 1 }, 1),
      run('a2', { beta: 1, latentDim: 2 }, 2),
      run('a3', { latentDim: 2, beta: 1 }, 3, 'failed'),
    ];
    const results: RunResult[] = [
      { run: runs[0]!, finals: { 'train/loss': 3, 'val/loss': 4 } },
      { run: runs[1]!, finals: { 'train/loss': 10 } },
      { run: runs[2]!, finals: { 'train/loss': 5, 'val/loss': 6 } },
      { run: runs[3]!, finals: { 'train/loss': 1000 } },
    ];
    const [a, b] = summarizeConfigurations(runs, results);
    expect(a!.runs.map((r) => r.id)).toEqual(['a1', 'a2', 'a3']);
    expect(a!.runsCompleted).toBe(2);
    expect(a!.metrics).toEqual([
      { key: 'train/loss', mean: 4, std: Math.SQRT2, count: 2, min: 3, max: 5 },
      { key: 'val/loss', mean: 5, std: Math.SQRT2, count: 2, min: 4, max: 6 },
    ]);
    expect(b!.metrics).toEqual([{ key: 'train/loss', mean: 10, std: 0, count: 1, min: 10, max: 10 }]);
    expect(a!.sweepId).toBe('s');
  });

  it('uses the sample standard deviation', () => {
    expect(aggregate('x', [2, 4, 4, 4, 5, 5, 7, 9]).std).toBeCloseTo(2.138, 3);
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: 1 })).toBe('{"a":1,"b":[{"c":2,"d":1}]}');
  });
});
