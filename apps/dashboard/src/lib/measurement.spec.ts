import { describe, expect, it } from 'vitest';
import { betterDirection, formatMeasurement, headerUnit } from './measurement';

describe('formatMeasurement', () => {
  it('writes likelihoods with their standard error and unit', () => {
    expect(formatMeasurement(98.1234, 'nats', 0.41)).toBe('98.1 ± 0.4 nats');
    expect(formatMeasurement(1.2346, 'bits/dim', 0.0123)).toBe('1.235 ± 0.012 bits/dim');
    expect(formatMeasurement(98.1234, 'nats')).toBe('98.12 nats');
  });

  it('writes fractions as percentages', () => {
    expect(formatMeasurement(0.8432, 'fraction')).toBe('84.32 %');
    expect(formatMeasurement(0.8432, 'fraction', 0.012)).toBe('84.3 ± 1.2 %');
  });

  it('writes mode counts against their total and small values with significant digits', () => {
    expect(formatMeasurement(7, 'of 8')).toBe('7 of 8');
    expect(formatMeasurement(0.001234, 'mmd²')).toBe('0.001234');
    expect(formatMeasurement(12.5, 'distance')).toBe('12.50');
  });

  it('leaves units that are not written after the number to the header', () => {
    expect(headerUnit('distance')).toBe('distance');
    expect(headerUnit('nats')).toBe('');
    expect(headerUnit('fraction')).toBe('');
  });
});

describe('betterDirection', () => {
  it('knows NLLs and distances go down, scores and coverage go up', () => {
    expect(betterDirection('test_nll')).toBe('lower');
    expect(betterDirection('fid')).toBe('lower');
    expect(betterDirection('inception_score')).toBe('higher');
    expect(betterDirection('coverage')).toBe('higher');
  });
});
