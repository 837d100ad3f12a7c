import { describe, expect, it } from 'vitest';
import { decimalsFor, formatAgo, formatDuration, formatShape, prettyJson, shortId } from './format';

describe('decimalsFor', () => {
  it('rounds a value to the leading digit of its standard error', () => {
    const neg = 98.1234;
    expect(neg.toFixed(decimalsFor(0.41, neg))).toBe('98.1');
    expect((0.18055).toFixed(decimalsFor(0.00075, 0.18055))).toMatch(/^0\.18\d{2}$/);
  });

  it('keeps a second digit when the error starts with 1', () => {
    expect(decimalsFor(0.012, 3.14159)).toBe(3);
  });

  it('falls back on the size of the value without an error', () => {
    expect(decimalsFor(undefined, 120.5)).toBe(1);
    expect(decimalsFor(undefined, 1.234)).toBe(3);
  });
});

describe('formatting', () => {
  it('shortens ids to 8 characters', () => {
    expect(shortId('0123456789abcdef')).toBe('01234567');
    expect(shortId('abc')).toBe('abc');
  });

  it('writes durations and ages for people', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    expect(formatDuration(start, new Date('2026-01-01T01:02:03Z'))).toBe('1 h 2 min');
    expect(formatDuration(start, new Date('2026-01-01T00:00:42Z'))).toBe('42 s');
    expect(formatAgo(start, start.getTime() + 5 * 60_000)).toBe('5 min ago');
  });

  it('indents JSON and leaves anything else as it is', () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('not json')).toBe('not json');
  });
});

describe('formatShape', () => {
  it('names points, vectors and image shapes', () => {
    expect(formatShape([2])).toBe('2-D points');
    expect(formatShape([10])).toBe('vectors of 10');
    expect(formatShape([28, 28, 1])).toBe('28 × 28 × 1');
  });
});
