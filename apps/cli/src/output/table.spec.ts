import { describe, expect, it } from 'vitest';
import { formatDetails, formatNumber, formatTable, formatTime } from './table';

describe('table output', () => {
  it('aligns columns, capitalises headers and right-aligns numeric columns', () => {
    const text = formatTable(['id', 'steps', 'value'], [['run-a', 40, '± 0.5'], ['r', 1200, '± 12.25']]);
    expect(text).toBe(['ID     STEPS    VALUE', 'run-a     40    ± 0.5', 'r       1200  ± 12.25', ''].join('\n'));
  });

  it('prints key: value details, skipping empty values', () => {
    expect(formatDetails([['id', 'x'], ['error', ''], ['steps', 3], ['backend', undefined]])).toBe('id:    x\nsteps: 3\n');
  });

  it('formats numbers and times compactly', () => {
    expect(formatNumber(3.762412345)).toBe('3.76241');
    expect(formatNumber(120)).toBe('120');
    expect(formatNumber(0.000012345, 3)).toBe('1.23e-5');
    expect(formatTime('2026-11-24T17:46:16.123Z')).toBe('2026-11-24 17:46:16Z');
    expect(formatTime(undefined)).toBe('');
  });
});
