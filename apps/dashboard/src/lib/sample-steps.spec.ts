import { describe, expect, it } from 'vitest';
import { gridAt, gridStep, indexOfStep, unionSteps } from './sample-steps';

const grids = (...steps: number[]) => steps.map((step) => ({ step, artifactId: `a${step}` }));

describe('the shared step slider', () => {
  it('reads the step from artifact metadata', () => {
    expect(gridStep('{"step":12,"seed":1}')).toBe(12);
    expect(gridStep('{}')).toBeUndefined();
    expect(gridStep('not json')).toBeUndefined();
  });

  it('moves over the union of every run’s steps', () => {
    expect(unionSteps([grids(6, 12, 20), grids(8, 16, 20)])).toEqual([6, 8, 12, 16, 20]);
  });

  it('shows each run as it was at the step: its last grid at or before it, else its first', () => {
    const run = grids(6, 12, 20);
    expect(gridAt(run, 12)?.step).toBe(12);
    expect(gridAt(run, 16)?.step).toBe(12);
    expect(gridAt(run, 100)?.step).toBe(20);
    expect(gridAt(run, 2)?.step).toBe(6);
    expect(gridAt([], 5)).toBeUndefined();
  });

  it('starts at the step in the URL, the nearest one, or the last', () => {
    const steps = [6, 8, 12, 16, 20];
    expect(indexOfStep(steps, 12)).toBe(2);
    expect(indexOfStep(steps, 15)).toBe(3);
    expect(indexOfStep(steps, undefined)).toBe(4);
    expect(indexOfStep([], 3)).toBe(0);
  });
});
