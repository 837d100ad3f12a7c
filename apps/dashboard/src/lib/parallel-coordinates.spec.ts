import { describe, expect, it } from 'vitest';
import { layoutParallelCoordinates, NO_VALUE_COLOR, rampColor, type ParallelBox, type ParallelRun } from './parallel-coordinates';

// Axes from x 50 to 350, values from y 200 (lowest) up to y 20 (highest).
const BOX: ParallelBox = { width: 400, height: 240, top: 20, right: 50, bottom: 40, left: 50 };

const runs: ParallelRun[] = [
  { id: 'r1', label: 'one', config: { beta: 1, optimizer: 'adam', lr: 0.001 }, value: 10 },
  { id: 'r2', label: 'two', config: { beta: 4, optimizer: 'sgd', lr: 0.1 }, value: 20 },
  { id: 'r3', label: 'three', config: { beta: 2, optimizer: 'adam' }, value: 15 },
  { id: 'r4', label: 'four', config: { beta: 4, optimizer: 'sgd', lr: 0.01 } },
];

describe('layoutParallelCoordinates', () => {
  const layout = layoutParallelCoordinates(runs, ['beta', 'optimizer', 'lr'], 'test_nll (nats)', BOX);

  it('spaces one axis per param and a last metric axis evenly', () => {
    expect(layout.axes.map((a) => [a.name, a.label, a.x, a.kind])).toEqual([
      ['beta', 'beta', 50, 'numeric'],
      ['optimizer', 'optimizer', 150, 'categorical'],
      ['lr', 'lr', 250, 'log'],
      ['metric', 'test_nll (nats)', 350, 'numeric'],
    ]);
  });

  it('scales numeric axes linearly, or in decades when they span two or more, ticking the values a param takes', () => {
    const [beta, , lr] = layout.axes;
    expect(beta!.ticks).toEqual([
      { y: 200, label: '1' },
      { y: 140, label: '2' },
      { y: 20, label: '4' },
    ]);
    expect(lr!.ticks.map((t) => [t.label, t.y])).toEqual([
      ['0.001', 200],
      ['0.01', 110],
      ['0.1', 20],
    ]);
  });

  it('spreads categories evenly and gives the metric axis round ticks', () => {
    expect(layout.axes[1]!.ticks).toEqual([
      { y: 200, label: 'adam' },
      { y: 20, label: 'sgd' },
    ]);
    expect(layout.axes[3]!.ticks.map((t) => t.label)).toEqual(['10', '12', '14', '16', '18', '20']);
  });

  it('draws each run through its values, missing values through the slot under the axis', () => {
    expect(layout.lines.map((l) => [l.id, l.points])).toEqual([
      ['r1', [[50, 200], [150, 200], [250, 200], [350, 200]]],
      ['r2', [[50, 20], [150, 20], [250, 20], [350, 20]]],
      ['r3', [[50, 140], [150, 200], [250, 218], [350, 110]]],
      ['r4', [[50, 20], [150, 20], [250, 110], [350, 218]]],
    ]);
    expect(layout.axes.map((a) => a.missingY)).toEqual([undefined, undefined, 218, 218]);
  });

  it('colours lines by the metric from the lowest to the highest value, grey without one', () => {
    expect(layout.lines.map((l) => l.color)).toEqual(['#440154', '#fde725', '#21918c', NO_VALUE_COLOR]);
    expect(layout.lines.map((l) => l.value)).toEqual([10, 20, 15, undefined]);
    expect(layout.scale).toEqual({ min: 10, max: 20, stops: ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] });
  });

  it('has no colour scale and a mid-height axis when no run has the metric, and a single value sits mid-axis', () => {
    const none = layoutParallelCoordinates(runs.map(({ value: _, ...r }) => r), ['beta'], 'fid', BOX);
    expect(none.scale).toBeUndefined();
    expect(none.lines.every((l) => l.color === NO_VALUE_COLOR)).toBe(true);
    const one = layoutParallelCoordinates([runs[0]!], [], 'loss', BOX);
    expect(one.axes.map((a) => a.x)).toEqual([200]);
    expect(one.lines[0]!.points).toEqual([[200, 110]]);
  });
});

describe('rampColor', () => {
  it('interpolates between the stops in RGB and clamps outside [0, 1]', () => {
    expect(rampColor(0.25)).toBe('#3b528b');
    // halfway from #440154 to #3b528b: (68+59)/2 = 63.5 -> 64, (1+82)/2 -> 42, (84+139)/2 -> 112
    expect(rampColor(0.125)).toBe('#402a70');
    expect(rampColor(-1)).toBe('#440154');
    expect(rampColor(2)).toBe('#fde725');
  });
});
