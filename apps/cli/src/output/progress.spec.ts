import { describe, expect, it } from 'vitest';
import { lineRenderer, progressBar, progressLine, ttyRenderer } from './progress';

const sink = (columns?: number) => {
  const chunks: string[] = [];
  return { out: { write: (text: string) => chunks.push(text), isTTY: true, columns }, text: () => chunks.join('') };
};

describe('progress', () => {
  const state = { status: 'running', stepsDone: 12, totalSteps: 40, stepsPerSecond: 6, loss: 1.234567 };

  it('draws a bar with steps, percent, speed, loss and eta', () => {
    const bar = progressBar(state, 100);
    expect(bar).toMatch(/^\[█+░+\] 12\/40 {3}30% {2}6\.0 steps\/s {2}loss 1\.2346 {2}eta 5s$/);
    expect(progressBar({ ...state, stepsDone: 40 }, 100)).toMatch(/^\[█+\] 40\/40 {2}100%/);
    expect(progressBar(state, 40).length).toBeLessThan(40);
  });

  it('writes plain lines without escape codes', () => {
    expect(progressLine(state)).toBe('step 12/40 (30%)  6.0 steps/s  loss 1.2346  eta 5s');
    expect(progressLine({ status: 'queued', stepsDone: 0, totalSteps: 0 })).toBe('step 0/? (0%)');
  });

  it('throttles plain lines but always prints the last state and notes in order', () => {
    let now = 0;
    const { out, text } = sink();
    const renderer = lineRenderer(out, 1000, () => now);
    renderer.update({ ...state, stepsDone: 1 });
    now = 10;
    renderer.update({ ...state, stepsDone: 2 });
    renderer.note('note');
    now = 20;
    renderer.update({ ...state, stepsDone: 3 });
    renderer.done();
    const lines = text().trimEnd().split('\n');
    expect(lines.map((l) => l.split('  ')[0])).toEqual(['step 1/40 (2%)', 'step 2/40 (5%)', 'note', 'step 3/40 (7%)']);
    expect(text()).not.toContain('\x1b');
  });

  it('redraws in place on a terminal and ends with a newline', () => {
    const { out, text } = sink(80);
    const renderer = ttyRenderer(out, () => 1000);
    renderer.update(state);
    renderer.done();
    expect(text().startsWith('\r\x1b[2K[')).toBe(true);
    expect(text().endsWith('\n')).toBe(true);
  });
});
